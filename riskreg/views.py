import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.shortcuts import render

from riskreg.home import needs
from riskreg.proxy import client_address

log = logging.getLogger("riskreg.security")


def home(request):
    return render(request, "home.html", needs(request.user))


def about(request):
    """What riskreg is. No query of its own: the benchmark's floor for a logged-in page."""
    return render(request, "about.html")


def probe_response(text: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(text, content_type="text/plain", status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
def healthz(request):
    """Liveness: the process answers. No database, no session (riskreg.middleware.Probes)."""
    return probe_response("ok")


@login_not_required
def readyz(request):
    """Readiness, for the load balancer: the database answers and every migration is applied."""
    try:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return probe_response("not ready: the database does not answer", status=503)
    if unapplied:
        return probe_response(f"not ready: {len(unapplied)} migrations not applied", status=503)
    return probe_response("ready")


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
