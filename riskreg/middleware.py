import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.urls import reverse

from riskreg import views


class Probes:
    """Answer /healthz and /readyz before every other middleware.

    So a balancer's probe passes no host check, HTTPS redirect, session, user, lockout or
    message code: it reads no cookie, sets none, and touches the database only for
    readiness's own look at the migrations. First in MIDDLEWARE.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.probes = {reverse("healthz"): views.healthz, reverse("readyz"): views.readyz}

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        return probe(request) if probe else self.get_response(request)


class SessionLifetimeMiddleware:
    """End a session 12 hours after login, or after 30 minutes without a request.

    Both are checked here because Django renews a session's expiry whenever it is saved.
    `login_at` is set by the user_logged_in receiver in riskreg.signals.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            login_at = request.session.get("login_at", now)
            last_seen = request.session.get("last_seen", now)
            too_old = now - login_at > settings.SESSION_COOKIE_AGE
            idle = now - last_seen > settings.SESSION_IDLE_SECONDS
            if too_old or idle:
                logout(request)
                messages.info(request, "Your session ended. Please log in again.")
            elif now - last_seen >= 60 or "last_seen" not in request.session:
                # At most one session write a minute.
                request.session["last_seen"] = now
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
