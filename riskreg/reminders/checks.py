from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def email_is_set_up(app_configs, **kwargs):
    """Without EMAIL_URL riskreg sends nothing; without RISKREG_SITE_URL, no link works."""
    found = []
    if not settings.EMAIL_URL and not settings.DEBUG:
        found.append(
            Warning(
                "EMAIL_URL is not set: riskreg sends no e-mail (no reminders, no notices).",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.office365.com:587.",
                id="reminders.W001",
            )
        )
    if not settings.RISKREG_SITE_URL:
        found.append(
            Warning(
                "RISKREG_SITE_URL is not set: e-mails cannot link to riskreg, so "
                "send_reminders refuses to run.",
                hint="Set it to the address people open riskreg at, e.g. "
                "https://riskreg.opcc.example.",
                id="reminders.W002",
            )
        )
    return found
