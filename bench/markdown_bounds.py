"""Markdown rendering benchmark: the worst bodies we can build, at the largest size an editor
may save, and the time each takes to render.

Every family below is grown to the longest body that ``articles.rendering.markup_problem``
still accepts (at most ``BODY_MAX`` characters) and rendered three times; the slowest run is
printed. Bodies beyond the bounds are shown as text, so their time is printed too. The goal:
every accepted body under 0.5 s.

    .venv/bin/python bench/markdown_bounds.py
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.models import BODY_MAX
from articles.rendering import markup_problem, render_markdown

GOAL_SECONDS = 0.5

FAMILIES = {
    "open brackets": lambda n: "[" * n,
    "brackets before a long text": lambda n: "[" * n + " Wort" * (BODY_MAX // 5 - n),
    "brackets spread over one block": lambda n: ("[" + "a" * 300) * n,
    "nested bracket pairs": lambda n: "[" * n + "]" * n,
    "unfinished links": lambda n: "[a](" * n,
    "unfinished images": lambda n: "![" * n,
    "empty links": lambda n: "[](" * n,
    "link brackets per paragraph": lambda n: ("[" * 30 + " text " * 40 + "\n\n") * n,
    "mixed inline markers": lambda n: "[*_`<" * n,
    "backtick runs": lambda n: "".join("`" * (i % 40 + 1) + " a " for i in range(n)),
    "emphasis alternation": lambda n: "*a _b **c __d " * n,
    "unclosed emphasis": lambda n: "**" * n + "a",
    "unclosed tags": lambda n: "<a " * n,
    "unclosed tags per paragraph": lambda n: ("<a " * 20 + "\n\n") * n,
    "unclosed tags before a long text": lambda n: "<a " * n + " Wort" * (BODY_MAX // 5 - n),
    "closed tags": lambda n: "<kbd>" * n,
    "tags closed far away": lambda n: "<a " * n + ">",
    "quoted attributes": lambda n: '<a t="x>' * n,
    "unclosed quotes": lambda n: '<a t="' * n,
    "autolinks": lambda n: "<http://x.example/" * n,
    "entities": lambda n: "&#x" * n,
    "backslashes": lambda n: "\\" * n,
    "nested quotes": lambda n: "".join(">" * (i % 12 + 1) + " x\n" for i in range(n)),
    "nested lists": lambda n: "".join("    " * (i % 12) + "- x\n" for i in range(n)),
    "nested lists with links": lambda n: "".join(
        "    " * (i % 12) + "- [a](/b) [c\n" for i in range(n)
    ),
    "one table": lambda n: "| a | b |\n|---|---|\n" + "| [x | y] |\n" * n,
    "many paragraphs": lambda n: "a\n\n" * n,
    "many headings": lambda n: "".join(f"## Kapitel {i}\n\n" for i in range(n)),
    "one long line": lambda n: "Wort " * n,
    "html blocks": lambda n: "<div>\n" * n,
    "reference links": lambda n: (
        "".join(f"[{i}]: /x/{i}\n" for i in range(n))
        + "\n\n"
        + " ".join(f"[t][{i}]" for i in range(n))
    ),
    "fences": lambda n: "```\n[\n" * n,
    "admonitions": lambda n: "!!! note\n    [x\n\n" * n,
    "escapes in one block": lambda n: "\\*" * n,
    "code spans in one block": lambda n: "`a` " * n,
    "emphasis in one block": lambda n: "*a* " * n,
    "escapes per paragraph": lambda n: ("\\*" * 50 + "\n\n") * n,
    "everything at once": lambda n: (
        "[" * n
        + "\n\n"
        + "*a* " * (20 * n)
        + "\n\n"
        + "<a " * (n // 20)
        + "\n\n"
        + "".join("    " * (i % 12) + "- x\n" for i in range(n))
    ),
    "ordinary links": lambda n: "[Anleitung](/de/artikel/x) " * n,
}


def _largest(family) -> tuple[str, str | None]:
    """The longest accepted body of ``family``, and the first rejected one."""
    low, high = 1, 2
    while len(family(high)) <= BODY_MAX and markup_problem(family(high)) is None:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        body = family(middle)
        if len(body) <= BODY_MAX and markup_problem(body) is None:
            low = middle
        else:
            high = middle
    return family(low), family(high)[:BODY_MAX]


def _slowest(body: str) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        render_markdown(body)
        times.append(time.perf_counter() - start)
    return max(times)


def main() -> None:
    print(f"{'family':34} {'accepted':>9} {'render':>8}   {'rejected':>9} {'as text':>8}  why")
    worst = 0.0
    for name, family in FAMILIES.items():
        accepted, rejected = _largest(family)
        seconds = _slowest(accepted)
        worst = max(worst, seconds)
        why = markup_problem(rejected)
        as_text = f"{_slowest(rejected):7.3f}s" if why else "       -"
        print(
            f"{name:34} {len(accepted):9,} {seconds:7.3f}s   {len(rejected):9,} "
            f"{as_text}  {why or 'length'}",
            flush=True,
        )
    verdict = "under" if worst < GOAL_SECONDS else "OVER"
    print(f"\nslowest accepted body: {worst:.3f} s ({verdict} the goal of {GOAL_SECONDS} s)")


if __name__ == "__main__":
    main()
