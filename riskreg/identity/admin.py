from django.contrib import admin

from riskreg.identity.models import SignIn


@admin.register(SignIn)
class SignInAdmin(admin.ModelAdmin):
    """Sign-ins as recorded: for reading, never for writing."""

    list_display = ["at", "user", "address", "method"]
    list_filter = ["method"]
    search_fields = ["user__username", "address"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
