"""The Master Scenario Events List (MSEL): a scenario's injects as spreadsheet rows, and back.

Export writes the columns exercise planners use (HSEEP MSEL, domain reference §1.4), then the
drillsim columns that rebuild each incident exactly. Import finds the header row of a sheet written
by any tool (headers in English, Vietnamese or Chinese, see ``COLUMNS``), reads every row into an
:class:`~drillsim.scenario.model.Incident` and reports every cell it cannot read, located by row and column.

Pure logic, cell values in and out: ``columns`` (the columns and their synonyms), ``times`` (time
cells), ``export`` (rows from a scenario), ``header`` and ``rows`` (import), ``yamlout`` (the
incidents as scenario text). Reading and writing CSV and XLSX files is ``files`` alone.
"""

from drillsim.msel.columns import COLUMNS, SYNONYMS, column_letter, header_key
from drillsim.msel.export import Expected, Sheet, export_sheet
from drillsim.msel.header import Table, find_header
from drillsim.msel.rows import Imported, import_incidents
from drillsim.msel.times import read_time
from drillsim.msel.yamlout import incidents_text, replace_incidents

__all__ = [
    "COLUMNS",
    "SYNONYMS",
    "Expected",
    "Imported",
    "Sheet",
    "Table",
    "column_letter",
    "export_sheet",
    "find_header",
    "header_key",
    "import_incidents",
    "incidents_text",
    "read_time",
    "replace_incidents",
]
