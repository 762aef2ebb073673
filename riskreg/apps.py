from django.apps import AppConfig


class RiskregConfig(AppConfig):
    name = "riskreg"
    verbose_name = "riskreg"

    def ready(self):
        from riskreg import signals  # noqa: F401
