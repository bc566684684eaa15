"""CSV cells that a spreadsheet would run as a formula are written as text."""

import csv
import io

import pytest

from portal.spreadsheets import csv_text


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1)",
        " =1+1",
        "\n=1+1",
        "\t=1+1",
        "\u00a0=1+1",
        "  \r\n@SUM(A1)",
    ],
)
def test_a_cell_that_starts_like_a_formula_is_text(value):
    [_, [cell]] = list(csv.reader(io.StringIO(csv_text(["x"], [[value]]))))
    assert cell == f"'{value}"


@pytest.mark.parametrize("value", ["Tür klemmt", "E18 = Pumpe", "0800 555 0142", ""])
def test_ordinary_text_stays_as_it_is(value):
    [_, [cell]] = list(csv.reader(io.StringIO(csv_text(["x"], [[value]]))))
    assert cell == value
