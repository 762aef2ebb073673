from registers.exporters import export_risks
from riskreg.shared.commands import ExportCommand


class Command(ExportCommand):
    help = "See workbooks.md: the registers workbook."
    exporter = staticmethod(export_risks)
