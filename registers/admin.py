from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from registers.models import Action, Control, Issue, Risk, RiskReview
from riskreg.shared.admin import VersionedAdmin


class ControlInline(admin.TabularInline):
    model = Control
    extra = 0


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0


@admin.register(Risk)
class RiskAdmin(VersionedAdmin):
    list_display = ["ref", "title", "owner", "status", "category"]
    list_filter = ["status", "category"]
    search_fields = ["ref", "title"]
    inlines = [ControlInline, ActionInline]
    filter_horizontal = ["policy_areas", "commitments"]


@admin.register(RiskReview)
class RiskReviewAdmin(VersionedAdmin):
    list_display = ["risk", "period", "likelihood", "impact"]
    list_filter = ["period"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.period.is_locked:
            return False
        return super().has_change_permission(request, obj)


admin.site.register(Issue, SimpleHistoryAdmin)
