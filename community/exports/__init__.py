"""XLSX exports of the community registries: each list as a sheet of the rows its page's filter keeps, the filter
described at the top."""

from community.exports.registries import EXPORTS  # noqa: F401
from community.exports.xlsx import HEADER_ROW, MAX_ROWS, Sheet, table_xlsx  # noqa: F401
