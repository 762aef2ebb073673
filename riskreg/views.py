import logging

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render

from riskreg.proxy import client_address

log = logging.getLogger("riskreg.security")


def home(request):
    return render(request, "home.html")


def about(request):
    """What riskreg is. No query of its own: the benchmark's floor for a logged-in page."""
    return render(request, "about.html")


@login_not_required
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def permission_denied(request, exception=None):
    """Log every refusal with who, where from and what, then say why."""
    log.warning(
        "permission denied user=%s address=%s path=%s",
        request.user.get_username() or "-",
        client_address(request) or "-",
        request.path,
    )
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"exception": message}, status=403)
