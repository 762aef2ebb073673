"""Server time and query count of the main pages, in-process (run by bench/run.py)."""

import json
import os
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskreg.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from commitments.models import Period  # noqa: E402
from reports.models import Paper  # noqa: E402

RUNS = 7


def pages() -> dict[str, tuple[str, str]]:
    period = Period.objects.last()
    paper = Paper.objects.filter(period=period).first() or Paper.start(period)
    if paper.pk is None:
        paper.save()
    return {
        "commitments list": ("bench.all", "/commitments/"),
        "my commitments (60)": ("bench.lead", "/commitments/mine/"),
        "plan dashboard": ("bench.all", "/commitments/dashboard/"),
        "risk register": ("bench.all", "/risks/"),
        "heat map": ("bench.all", "/risks/heat-map/"),
        "risk page": ("bench.all", "/risks/BENCH-R01/"),
        "commitment page": ("bench.all", "/commitments/1/"),
        "paper preview": ("bench.all", f"/papers/{paper.pk}/preview/"),
    }


def measure() -> dict:
    results = {}
    clients = {}
    for name, (username, url) in pages().items():
        if username not in clients:
            clients[username] = Client(HTTP_HOST="127.0.0.1")
            clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        client.get(url)  # warm caches and templates
        times, queries = [], 0
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as context:
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(context)
        results[name] = {"ms": statistics.median(times) * 1000, "queries": queries}
    return results


def busiest_quarter() -> str:
    """The period with the most Red statuses: the longest paper."""
    from django.db.models import Count, Q

    period = (
        Period.objects.annotate(red=Count("statuses", filter=Q(statuses__rag="red")))
        .order_by("-red", "-year", "-number")
        .first()
    )
    return str(period)


if __name__ == "__main__":
    print(json.dumps({"pages": measure(), "busiest": busiest_quarter()}))
