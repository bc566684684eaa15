"""CSV exports that spreadsheets open safely."""

import csv
import io
from collections.abc import Iterable, Sequence


def _cell(value) -> str:
    """Keep spreadsheets from running customer text that starts like a formula."""
    if not isinstance(value, str):
        return "" if value is None else str(value)
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()
