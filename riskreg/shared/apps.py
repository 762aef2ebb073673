from django.apps import AppConfig


class SharedConfig(AppConfig):
    """What the apps share: history, workbooks, uploads, optimistic locking. Imports no app."""

    name = "riskreg.shared"
    label = "shared"
    verbose_name = "riskreg shared"
