from django.apps import AppConfig


class SharedConfig(AppConfig):
    """What the apps share: history, workbooks, uploads, optimistic locking. Imports no app."""

    name = "riskreg.shared"
    label = "shared"
    verbose_name = "riskreg shared"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from riskreg.shared.uploads import forget_pending_uploads

        user_logged_out.connect(forget_pending_uploads, dispatch_uid="forget_pending_uploads")
