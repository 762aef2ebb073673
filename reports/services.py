"""Publishing a paper: its period is locked first, then the paper is composed from what
is locked, rendered as published, and frozen, all in one transaction."""

from django.db import transaction
from django.utils import timezone

from commitments.models import Period
from reports.models import Paper
from reports.render import paper_pdf
from riskreg.shared.notices import Kind, notice_add


def paper_publish(*, paper: Paper, user, seen_version: int, despite_gaps: bool = False) -> Paper:
    with transaction.atomic():
        # Saves of this period's statuses and reviews hold its row while they write:
        # from here on each is either committed, so in the paper, or refused as locked.
        period = Period.objects.select_for_update().get(pk=paper.period_id)
        paper = Paper.objects.select_for_update().get(pk=paper.pk)
        paper.period = period
        paper.lock_version = seen_version
        paper.mark_published(user, timezone.now(), despite_gaps=despite_gaps)
        if not period.is_locked:
            period.state = Period.State.LOCKED
            period._history_user = user
            period.save(update_fields=["state"])
        paper.freeze(paper_pdf(paper))
        paper._history_user = user
        paper.save()
        notice_add(Kind.PAPER_PUBLISHED, actor=user, paper=paper.pk)
    return paper
