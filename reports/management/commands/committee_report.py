import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from commitments.models import Period
from commitments.periods import Quarter
from reports.models import Paper
from reports.render import html_to_pdf, paper_html


class Command(BaseCommand):
    help = "Render the committee paper for a quarter as PDF (and optionally HTML)."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help='The period, e.g. "2025/26 Q3".')
        parser.add_argument("--output", required=True, type=Path, help="Where to write the PDF.")
        parser.add_argument("--html", type=Path, help="Also write the HTML here.")
        parser.add_argument("--meeting-date", type=datetime.date.fromisoformat)
        parser.add_argument("--agenda-item")

    def handle(self, *args, quarter, output, html, meeting_date, agenda_item, **options):
        try:
            period = Period.objects.get_for(Quarter.parse(quarter))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except Period.DoesNotExist:
            raise CommandError(f"There is no period {quarter} in the register.") from None
        # The stored paper's narrative when there is one; defaults otherwise. Never saved.
        paper = period.papers.order_by("-version").first() or Paper.start(period)
        paper.meeting_date = meeting_date or paper.meeting_date
        paper.agenda_item = agenda_item or paper.agenda_item
        if paper.is_published:
            if meeting_date or agenda_item:
                raise CommandError(
                    f"{paper} is published: its PDF is written as it was published, and "
                    "--meeting-date and --agenda-item cannot change it."
                )
            output.write_bytes(bytes(paper.pdf))
            self.stdout.write(f"Wrote the published {paper} to {output}")
            return
        document = paper_html(paper)
        if html:
            html.write_text(document, encoding="utf-8")
        output.write_bytes(html_to_pdf(document))
        self.stdout.write(f"Wrote {paper} to {output}")
