"""send_reminders over the bench data: time and queries (bench/run.py prints it).

Runs alone too, on a database that `manage.py bench_data` filled:
    DATABASE_URL=postgres://… .venv/bin/python bench/reminders.py
Each run opens the next quarter with its deadline a week away (so all 356 commitments
await their update and all 40 risks their review, on a reminder day), sends everything
to a real SMTP server on 127.0.0.1 (aiosmtpd), measures, and rolls it all back.
"""

import datetime
import json
import os
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskreg.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from commitments.models import Period  # noqa: E402
from riskreg.reminders import outbox  # noqa: E402
from tests.mail import SMTPServer  # noqa: E402

RUNS = 3


def one_run(server: SMTPServer) -> dict:
    """The first run of a reminder day, then a second run the same day (nothing new)."""
    server.handler.messages.clear()
    with transaction.atomic():
        today = timezone.localdate()
        Period.objects.open_next(update_deadline=today + datetime.timedelta(days=7), user=None)
        figures = {}
        for name in ("first", "again"):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                outcome = outbox.run(timezone.now())
                figures[name] = {
                    "seconds": time.perf_counter() - start,
                    "queries": len(queries),
                    "sent": outcome.sent,
                    "digests": outcome.digests,
                    "notices": outcome.notices,
                }
        figures["received"] = len(server.handler.messages)
        transaction.set_rollback(True)
    return figures


def measure() -> dict:
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.DIGEST_HOUR = 0
    settings.RISKREG_SITE_URL = settings.RISKREG_SITE_URL or "https://riskreg.example"
    try:
        runs = [one_run(server) for _ in range(RUNS)]
    finally:
        server.stop()
    first = runs[-1]["first"]
    return {
        "seconds": statistics.median(r["first"]["seconds"] for r in runs),
        "queries": first["queries"],
        "sent": first["sent"],
        "digests": first["digests"],
        "notices": first["notices"],
        "received": runs[-1]["received"],
        "again_seconds": statistics.median(r["again"]["seconds"] for r in runs),
        "again_queries": runs[-1]["again"]["queries"],
        "again_sent": runs[-1]["again"]["sent"],
    }


if __name__ == "__main__":
    print(json.dumps(measure()))
