from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "riskreg.reminders"
    label = "reminders"
    verbose_name = "reminders and notices"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from riskreg.reminders import checks  # noqa: F401
