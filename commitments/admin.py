from django.contrib import admin

from commitments.models import Commitment, Period, Person, PolicyArea, QuarterlyStatus
from riskreg.shared.admin import RecordAdmin


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "organisation", "user"]
    search_fields = ["name", "email"]
    list_filter = ["organisation"]


@admin.register(Period)
class PeriodAdmin(RecordAdmin):
    list_display = ["__str__", "state", "update_deadline"]

    def get_readonly_fields(self, request, obj=None):
        return ["year", "number"] if obj else []  # see Period.check_rules


@admin.register(PolicyArea)
class PolicyAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]


@admin.register(Commitment)
class CommitmentAdmin(RecordAdmin):
    list_display = ["ref", "policy_area", "smt_lead", "officer_lead"]
    list_filter = ["policy_area"]
    search_fields = ["ref", "text"]
    list_select_related = ["policy_area", "smt_lead", "officer_lead"]


@admin.register(QuarterlyStatus)
class QuarterlyStatusAdmin(RecordAdmin):
    list_display = ["commitment", "period", "rag", "red_for_resourcing"]
    list_filter = ["period", "rag"]
    list_select_related = ["commitment", "period"]
