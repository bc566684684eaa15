"""Markdown from the XSS corpus renders harmless: no script, frame or plugin elements, no event
handlers, no script URLs, whatever an editor (or a stolen editor account) writes."""

import re
from html.parser import HTMLParser

import pytest

from articles.rendering import render_markdown
from tests.helpers.config import once
from tests.judges.corpora import markdown_payloads, naughty_strings, packed, xss_payloads

FORBIDDEN_TAGS = {"script", "iframe", "frame", "object", "embed", "style", "link", "meta", "base"}
FORBIDDEN_TAGS |= {"form", "input", "button", "textarea", "select", "svg", "math", "template"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
C0_AND_SPACE = "".join(map(chr, range(0x21)))


def scheme(url: str) -> str | None:
    """The scheme a browser would read, after the URL standard's clean-up: C0 controls and spaces
    trimmed at both ends, tabs and newlines removed everywhere."""
    cleaned = url.strip(C0_AND_SPACE).translate({9: None, 10: None, 13: None}).lower()
    found = SCHEME.match(cleaned)
    return found.group(1) if found else None


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc"):
                self.problems.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and scheme(value or "") not in (None, *SAFE_SCHEMES):
                self.problems.append(f"{tag}[{name}={value!r}]")


def _problems(html: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(html)
    return inspector.problems


@pytest.mark.judge
@once
@pytest.mark.parametrize("corpus", ["markdown", "xss", "naughty"])
def test_hostile_markdown_renders_harmless(corpus):
    payloads = {"markdown": markdown_payloads, "xss": xss_payloads, "naughty": naughty_strings}
    found = {}
    for body in packed(payloads[corpus](), 20_000):
        rendered = render_markdown(body)
        problems = _problems(rendered.html)
        if problems:
            found[body[:80]] = problems[:5]
    assert found == {}
    if corpus == "markdown":
        assert len(markdown_payloads()) >= 300


def test_the_inspector_sees_what_it_must_refuse():
    assert _problems('<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>') == [
        "a[href='javascript:alert(1)']",
        "img[onerror]",
    ]
    assert _problems('<script>alert(1)</script><a href="/de/">ok</a>') == ["<script>"]
    assert scheme(" java\tscript:alert(1)") == "javascript"
    assert scheme("javascript  :alert(1)") is None  # a relative URL to a browser
