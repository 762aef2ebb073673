from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from commitments.models import Commitment, Period, Person, PolicyArea, QuarterlyStatus
from riskreg.shared.admin import VersionedAdmin


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "organisation", "user"]
    search_fields = ["name", "email"]
    list_filter = ["organisation"]


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "state"]


@admin.register(PolicyArea)
class PolicyAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]


@admin.register(Commitment)
class CommitmentAdmin(SimpleHistoryAdmin):
    list_display = ["ref", "policy_area", "smt_lead", "officer_lead"]
    list_filter = ["policy_area"]
    search_fields = ["ref", "text"]
    list_select_related = ["policy_area", "smt_lead", "officer_lead"]


@admin.register(QuarterlyStatus)
class QuarterlyStatusAdmin(VersionedAdmin):
    list_display = ["commitment", "period", "rag", "red_for_resourcing"]
    list_filter = ["period", "rag"]
    list_select_related = ["commitment", "period"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.period.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.period.is_locked:
            return False
        return super().has_delete_permission(request, obj)
