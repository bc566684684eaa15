"""Snippets built from stored plain text and escaped here; never by editing article HTML."""

import html
import re
from collections.abc import Callable

SNIPPET_CHARS = 220
MAX_SENTENCES = 150
ENOUGH = 3  # distinct matched words that make a sentence good enough to stop looking
_SENTENCE = re.compile(r"(?<=[.!?:])\s+|\n+")
_WORD = re.compile(r"\w+", re.UNICODE)


def _mark(text: str, matches: Callable[[str], bool]) -> str:
    pieces, last = [], 0
    for match in _WORD.finditer(text):
        if matches(match.group()):
            pieces.append(html.escape(text[last : match.start()]))
            pieces.append(f"<mark>{html.escape(match.group())}</mark>")
            last = match.end()
    pieces.append(html.escape(text[last:]))
    return "".join(pieces)


def _window(sentence: str, matches: Callable[[str], bool]) -> str:
    """Cut a long sentence around its first match, on word boundaries."""
    if len(sentence) <= SNIPPET_CHARS:
        return sentence
    first = next((m.start() for m in _WORD.finditer(sentence) if matches(m.group())), 0)
    start = max(0, first - SNIPPET_CHARS // 3)
    start = sentence.rfind(" ", 0, start) + 1 if start else 0
    end = sentence.rfind(" ", start, start + SNIPPET_CHARS)
    end = end if end > start else start + SNIPPET_CHARS
    return ("… " if start else "") + sentence[start:end].strip() + " …"


def snippet(
    sections: list[tuple[str | None, str, str]],
    fallback: str,
    matches: Callable[[str], bool],
    enough: int = ENOUGH,
) -> tuple[str, str | None]:
    """Return (escaped HTML snippet, anchor of the section it comes from).

    The first sentence that matches ``enough`` different words wins; else the best one seen.
    """
    enough = min(enough, ENOUGH)
    best: tuple[int, str, str | None] | None = None
    seen = 0
    for anchor, heading, text in sections:
        for sentence in _SENTENCE.split(f"{heading}: {text}" if heading else text):
            seen += 1
            if seen > MAX_SENTENCES:
                break
            hits = len({w.lower() for w in _WORD.findall(sentence) if matches(w)})
            if hits and (best is None or hits > best[0]):
                best = (hits, sentence.strip(), anchor)
                if hits >= enough:
                    break
        if seen > MAX_SENTENCES or (best and best[0] >= enough):
            break
    if best is None:
        return html.escape(fallback[:SNIPPET_CHARS]), None
    return _mark(_window(best[1], matches), matches), best[2]
