from django.contrib import admin

from riskreg.reminders.models import DigestRun, Email, EmailChoice


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """What riskreg e-mailed, to whom and when: read only."""

    list_display = ["created", "kind", "address", "subject", "status", "sent_at", "attempts"]
    list_filter = ["status", "kind", "day"]
    search_fields = ["address", "subject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EmailChoice)
class EmailChoiceAdmin(admin.ModelAdmin):
    list_display = ["user", "digests", "notices", "changed"]


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    list_display = ["day", "made", "count"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
