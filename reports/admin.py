from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import Paper


@admin.register(Paper)
class PaperAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "status", "published_by", "published_at", "sha256"]
    list_filter = ["status"]
    readonly_fields = ["status", "sha256", "published_by", "published_at"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)
