"""Markdown to safe HTML, rendered once per revision and sanitised with nh3 whatever it holds.

Python-Markdown looks for the closing bracket from every ``[`` to the end of its block, for the
end of every tag that ``<`` may open up to the next ``>``, and rebuilds a block's text for
every emphasis, code span or escape it finds; so its time grows with the brackets and markers
times the block's length and with the distance from each ``<`` to its ``>``. Very many lines
or blocks and deep nesting cost too. :func:`markup_problem` bounds all of them, so the largest
body an editor may save renders in well under half a second (``bench/markdown_bounds.py`` builds the
worst cases), and :func:`render_markdown` shows a body beyond the bounds as plain text instead
of rendering it.
"""

import bisect
import html as html_lib
import re
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
# Images come from the portal's own library (articles.images): nothing an article shows can
# tell another server who reads it, or swap the picture after review.
OWN_IMAGE = re.compile(r"/media/[A-Za-z0-9_-]+/[A-Za-z0-9._-]+")
# Ids the article page itself uses (templates/base.html, articles/detail.html and what they
# include): a heading of the body never takes one of them.
PAGE_IDS = frozenset(
    {
        "main",
        "article-title",
        "toc-heading",
        "feedback",
        "feedback-heading",
        "feedback-safety",
        "helpful-heading",
        "related-heading",
        "contact-heading",
        "vote-heading-ask",
        "vote-heading-yes",
        "vote-heading-no",
        "vote-heading-reason",
        "search-q",
        "search-suggestions",
        "emergency-hint-heading",
        "comment",
        *(f"reason-{number}" for number in range(10)),  # the vote box's choices
    }
)

MAX_LINES = 6_000
MAX_BLOCKS = 2_000
MAX_NESTING = 12
BRACKET_BUDGET = 1_200_000
MARKER_BUDGET = 1_000_000_000
TAG_BUDGET = 2_500_000
BLANK_LINE = re.compile(r"\n[ \t]*\n")
TAG_START = re.compile(r"<[A-Za-z/!?]")
INLINE_MARKER = re.compile(r"[*_`\\&<\[]")
LINE_PREFIX = re.compile(r"^[ \t>]*", re.M)


@dataclass
class Rendered:
    html: str
    toc: list[dict] = field(default_factory=list)
    # Image addresses from outside the portal's library, left out of ``html``.
    foreign_images: list[str] = field(default_factory=list)


def markup_problem(body: str) -> str | None:
    """Why rendering ``body`` could take too long, or None: ``lines``, ``blocks``, ``nesting``,
    ``brackets``, ``markers`` or ``tags``. Linear in the body's length."""
    if body.count("\n") >= MAX_LINES:
        return "lines"
    blocks = BLANK_LINE.split(body)
    if len(blocks) > MAX_BLOCKS:
        return "blocks"
    for prefix in LINE_PREFIX.findall(body):
        if prefix.count(">") + len(prefix.replace(">", "").expandtabs(4)) // 4 > MAX_NESTING:
            return "nesting"
    if sum(block.count("[") * len(block) for block in blocks) > BRACKET_BUDGET:
        return "brackets"
    if sum(len(INLINE_MARKER.findall(block)) * len(block) for block in blocks) > MARKER_BUDGET:
        return "markers"
    if _tag_reading(body) > TAG_BUDGET:
        return "tags"
    return None


def _tag_reading(body: str) -> int:
    """How far the HTML parser reads for the tags that ``<`` may open: from each to the next
    ``>``, or to the end of the body when none follows."""
    ends = [match.start() for match in re.finditer(">", body)]
    total = 0
    for match in TAG_START.finditer(body):
        following = bisect.bisect_left(ends, match.start())
        total += (ends[following] if following < len(ends) else len(body)) - match.start()
    return total


def _anchor(value: str, separator: str) -> str:
    anchor = slugify(value, max_length=80, separator=separator) or "abschnitt"
    return f"abschnitt-{anchor}" if anchor in PAGE_IDS else anchor


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


def sanitise(html: str, foreign_images: list[str] | None = None) -> str:
    """Keep only markup an article may contain: no script, no handlers, no foreign URL schemes,
    no image from elsewhere (its address goes to ``foreign_images``), no id of the page."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id" and value in PAGE_IDS:
            return None
        if tag == "img" and attribute == "src" and not OWN_IMAGE.fullmatch(value):
            if foreign_images is not None:
                foreign_images.append(value)
            return "/static/img/image-elsewhere.svg"
        return value

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=keep,
    )


def _as_text(body: str) -> str:
    return "".join(
        f"<p>{html_lib.escape(block)}</p>" for block in BLANK_LINE.split(body) if block.strip()
    )


def render_markdown(body: str) -> Rendered:
    """Render an article body; headings get stable anchors and feed the table of contents."""
    if markup_problem(body):
        return Rendered(html=_as_text(body))
    md = _markdown()
    html = md.convert(body)
    foreign: list[str] = []
    return Rendered(
        html=sanitise(html, foreign), toc=_flatten(md.toc_tokens), foreign_images=foreign
    )
