from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "riskreg.identity"
    label = "identity"
    verbose_name = "sign-ins"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from riskreg.identity import checks, receivers  # noqa: F401
