import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.urls import reverse

from riskreg import views
from riskreg.proxy import is_trusted_proxy


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


class ProxyHeadersMiddleware:
    """X-Forwarded-* headers count only on a request a trusted proxy sent: a client that
    reaches riskreg directly cannot claim HTTPS, or another address, by sending them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for key in [k for k in request.META if k.startswith("HTTP_X_FORWARDED_")]:
                del request.META[key]
        return self.get_response(request)


class AllowedMethodsMiddleware:
    """GET, HEAD and POST are all riskreg answers; TRACE, OPTIONS and the rest get 405.
    A NUL character in the path or query is a bad request: no text riskreg keeps has one,
    and PostgreSQL refuses it in a query."""

    ALLOWED = ["GET", "HEAD", "POST"]

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.ALLOWED:
            return HttpResponseNotAllowed(self.ALLOWED)
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return HttpResponseBadRequest("A request with a NUL character is not understood.")
        return self.get_response(request)


class RequestSizeMiddleware:
    """Refuse a request body larger than its view accepts before anything reads it:
    settings.REQUEST_MAX_BYTES, or more for a view marked `max_request_bytes` (the two
    workbook imports). Django alone would stream any upload to a temporary file first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = getattr(view_func, "max_request_bytes", settings.REQUEST_MAX_BYTES)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django then reads no body at all
        if length <= limit:
            return None
        return HttpResponse(
            f"This request is too large: riskreg accepts at most {limit / 2**20:.0f} MB here. "
            "Go back and send less, or a smaller file.\n",
            status=413,
            content_type="text/plain; charset=utf-8",
        )
