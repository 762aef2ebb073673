from django.contrib import admin

from registers.models import Action, Control, Issue, Risk, RiskReview
from riskreg.shared.admin import RecordAdmin


@admin.register(Risk)
class RiskAdmin(RecordAdmin):
    list_display = ["ref", "title", "owner", "status", "category"]
    list_filter = ["status", "category"]
    search_fields = ["ref", "title"]
    filter_horizontal = ["policy_areas", "commitments"]


@admin.register(RiskReview)
class RiskReviewAdmin(RecordAdmin):
    list_display = ["risk", "period", "likelihood", "impact"]
    list_filter = ["period"]
    list_select_related = ["risk", "period"]


@admin.register(Control)
class ControlAdmin(RecordAdmin):
    list_display = ["__str__", "risk"]
    list_select_related = ["risk"]


@admin.register(Action)
class ActionAdmin(RecordAdmin):
    list_display = ["__str__", "risk", "owner", "target_date", "status"]
    list_select_related = ["risk", "owner"]


@admin.register(Issue)
class IssueAdmin(RecordAdmin):
    list_display = ["__str__", "owner", "status", "opened_on"]
