"""Hostile input nobody on this team wrote: the Big List of Naughty Strings (npm ``blns``) and
the brs-kb XSS payload corpus (PyPI ``brs-kb``), loaded from the installed packages."""

import json
import re
from functools import cache
from pathlib import Path

import brs_kb

ROOT = Path(__file__).resolve().parents[2]
BLNS = ROOT / "node_modules" / "blns" / "resources" / "blns.json"
MARKUP = re.compile(r"[<>\"']")


@cache
def naughty_strings() -> tuple[str, ...]:
    assert BLNS.exists(), "run `make test` (or npm ci) to install the naughty strings"
    return tuple(json.loads(BLNS.read_text(encoding="utf-8")))


@cache
def xss_payloads() -> tuple[str, ...]:
    return tuple(sorted({entry["payload"] for entry in brs_kb.get_all_payloads().values()}))


@cache
def markdown_payloads() -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                entry["payload"]
                for entry in brs_kb.get_all_payloads().values()
                if "markdown" in entry.get("contexts", ())
            }
        )
    )


def packed(payloads, width: int) -> list[str]:
    """Payloads joined by spaces into values of at most ``width`` characters (longer payloads
    alone), so a wide field takes many payloads per request."""
    values, current = [], ""
    for payload in payloads:
        if current and len(current) + 1 + len(payload) > width:
            values.append(current)
            current = ""
        current = f"{current} {payload}" if current else payload
    if current:
        values.append(current)
    return values


def dangerous(payload: str) -> bool:
    """Payloads whose raw appearance in a page would mean markup injection; short ones could
    match the templates' own markup by chance."""
    return len(payload) >= 12 and bool(MARKUP.search(payload))


def reflected(html: str, payloads) -> list[str]:
    """The dangerous payloads that appear unescaped in ``html``."""
    return [payload for payload in payloads if dangerous(payload) and payload in html]
