"""Importing teachers from the ИМЦ's database (CSV or XLSX): all rows are checked, then all or none saved."""

from lms.users.importing.checking import ImportReport, ImportRow, RowError, parse  # noqa: F401
from lms.users.importing.reading import ImportFileError, read_table  # noqa: F401
from lms.users.importing.saving import apply  # noqa: F401
