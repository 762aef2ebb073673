from commitments.importers import import_plan
from riskreg.shared.commands import ImportCommand


class Command(ImportCommand):
    help = "See workbooks.md: the commitments workbook."
    importer = staticmethod(import_plan)
