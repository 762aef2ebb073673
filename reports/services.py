"""Publishing a paper: it freezes the paper and locks its period together."""

from django.core.exceptions import ValidationError
from django.db import transaction

from commitments.models import Period
from reports.models import Paper
from reports.render import paper_pdf


def paper_publish(*, paper: Paper, user) -> Paper:
    with transaction.atomic():
        paper = Paper.objects.select_for_update().select_related("period").get(pk=paper.pk)
        if paper.is_published:
            raise ValidationError(f"{paper} is already published and cannot change.")
        paper.freeze(paper_pdf(paper), user)
        period = Period.objects.select_for_update().get(pk=paper.period_id)
        if not period.is_locked:
            period.state = Period.State.LOCKED
            period._history_user = user
            period.save(update_fields=["state"])
    return paper
