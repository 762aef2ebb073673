from django.core.management.base import BaseCommand

from riskreg import benchdata


class Command(BaseCommand):
    help = "Generate deterministic benchmark data (adds commitments up to --commitments)."

    def add_arguments(self, parser):
        parser.add_argument("--commitments", type=int, default=356)
        parser.add_argument("--risks", type=int, default=40)
        parser.add_argument("--quarters", type=int, default=6)
        parser.add_argument("--history", type=int, default=200, help="History rows per object.")

    def handle(self, *args, commitments, risks, quarters, history, **options):
        benchdata.generate(commitments=commitments, risks=risks, periods=quarters, history=history)
        self.stdout.write(
            f"Benchmark data: {commitments} commitments, {risks} risks, {quarters} quarters."
        )
