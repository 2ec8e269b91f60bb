"""CRM account import, the pure half: CSV bytes in, typed rows and row errors out (no database).

`read_accounts_csv` is the entry point; the database upsert, jobs and API are built on it.
"""

from app.imports.parsing.charsets import CERTAIN, Encoding, guess_code_page
from app.imports.parsing.columns import FIELDS, REQUIRED, ColumnMap, map_columns, normalise_header
from app.imports.parsing.csv_source import CsvFormatError, decode, sniff_delimiter, split_sep_line
from app.imports.parsing.reader import FileWarning, ParsedFile, read_accounts_csv
from app.imports.parsing.rows import AccountRow, RowError, RowParser

__all__ = [
    "CERTAIN",
    "FIELDS",
    "REQUIRED",
    "AccountRow",
    "ColumnMap",
    "CsvFormatError",
    "Encoding",
    "FileWarning",
    "ParsedFile",
    "RowError",
    "RowParser",
    "decode",
    "guess_code_page",
    "map_columns",
    "normalise_header",
    "read_accounts_csv",
    "sniff_delimiter",
    "split_sep_line",
]
