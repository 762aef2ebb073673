from registers.importers import import_risks
from riskreg.shared.commands import ImportCommand


class Command(ImportCommand):
    help = "See workbooks.md: the registers workbook."
    importer = staticmethod(import_risks)
