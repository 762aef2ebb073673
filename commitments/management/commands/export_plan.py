from commitments.exporters import export_plan
from riskreg.shared.commands import ExportCommand


class Command(ExportCommand):
    help = "See workbooks.md: the commitments workbook."
    exporter = staticmethod(export_plan)
