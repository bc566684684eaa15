"""Markdown to safe HTML, rendered once per revision and sanitised with nh3 whatever it holds."""

import html as html_lib
from dataclasses import dataclass, field

import markdown
import nh3

from articles.slugs import slugify

NOTE_TYPES = {"note", "hinweis", "tip", "tipp", "warning", "achtung", "danger", "gefahr"}

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "abbr": {"title"},
}
ALLOWED_CLASSES = {
    "div": {"admonition", *NOTE_TYPES},
    "p": {"admonition-title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


@dataclass
class Rendered:
    html: str
    toc: list[dict] = field(default_factory=list)


def _anchor(value: str, separator: str) -> str:
    return slugify(value, max_length=80, separator=separator) or "abschnitt"


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists", "admonition", "toc"],
        extension_configs={"toc": {"slugify": _anchor, "toc_depth": "2-3"}},
        output_format="html",
    )


def _flatten(tokens: list[dict]) -> list[dict]:
    entries = []
    for token in tokens:
        entries.append(
            {"level": token["level"], "id": token["id"], "title": html_lib.unescape(token["name"])}
        )
        entries.extend(_flatten(token["children"]))
    return entries


def sanitise(html: str) -> str:
    """Keep only markup an article may contain: no script, no handlers, no foreign URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(body: str) -> Rendered:
    """Render an article body; headings get stable anchors and feed the table of contents."""
    md = _markdown()
    html = md.convert(body)
    return Rendered(html=sanitise(html), toc=_flatten(md.toc_tokens))
