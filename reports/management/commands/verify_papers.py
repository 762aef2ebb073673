from django.core.management.base import BaseCommand, CommandError

from reports.models import Paper


class Command(BaseCommand):
    help = (
        "Check every published paper's stored PDF against the SHA-256 taken when it was "
        "published: after a restore, and as a scheduled integrity check. Exits 1 naming "
        "each paper that does not match."
    )

    def handle(self, *args, **options):
        papers = Paper.objects.published().select_related("period")
        checked, bad = 0, []
        for paper in papers.iterator(chunk_size=20):  # PDFs are large: a few at a time
            checked += 1
            if not paper.is_intact:
                bad.append(paper)
        for paper in bad:
            self.stderr.write(
                f"{paper} (id {paper.pk}, published {paper.published_at:%d %b %Y}): its PDF "
                f"does not match the SHA-256 {paper.sha256} taken when it was published."
            )
        if bad:
            raise CommandError(f"{len(bad)} of {checked} published papers do not match.")
        plural = "" if checked == 1 else "s"
        self.stdout.write(f"{checked} published paper{plural} checked: every PDF matches.")
