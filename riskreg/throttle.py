"""Login throttling: axes, with a second, higher limit for one username from anywhere."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def client_username(request, credentials: dict | None = None) -> str:
    """The account a login names, whatever its letters' case: allauth finds a user by their
    username case-insensitively, so VIEWER and viewer must count as one for the lockout."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        name = credentials.get(field)
    else:
        name = request.POST.get(field) or request.POST.get("login")
    return (name or "").strip().lower()


class LoginThrottle(AxesDatabaseHandler):
    """A username is locked from one address after AXES_FAILURE_LIMIT failures (axes'
    own rule), and from every address once it has failed RISKREG_USERNAME_FAILURE_LIMIT
    times within the cool-off, however many addresses the guesses came from."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        if not username:
            return failures
        everywhere = AccessAttempt.objects.filter(
            username=username, attempt_time__gte=get_cool_off_threshold(request)
        ).aggregate(total=Sum("failures_since_start"))["total"]
        if (everywhere or 0) >= settings.RISKREG_USERNAME_FAILURE_LIMIT:
            request.riskreg_locked_everywhere = True  # the lockout page says so
            return max(failures, get_failure_limit(request, credentials))
        return failures
