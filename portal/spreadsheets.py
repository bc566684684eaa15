"""CSV exports that spreadsheets open safely."""

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def _cell(value) -> str:
    """Keep spreadsheets from running customer text that starts like a formula, also after
    spaces or line breaks, which spreadsheets skip before they look for one."""
    if not isinstance(value, str):
        return "" if value is None else str(value)
    stripped = value.lstrip(" \t\r\n\x0b\x0c\u00a0")
    if stripped[:1] in FORMULA_STARTS or value[:1] in FORMULA_STARTS:
        return f"'{value}"
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()
