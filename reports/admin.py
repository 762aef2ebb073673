from django.contrib import admin

from reports.models import Paper
from riskreg.shared.admin import RecordAdmin


@admin.register(Paper)
class PaperAdmin(RecordAdmin):
    list_display = ["__str__", "status", "published_by", "published_at", "sha256"]
    list_filter = ["status"]
    readonly_fields = ["status", "sha256", "published_by", "published_at"]
