"""What the portal hands to the search library, and what it gets back: plain objects only."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """A part of an article under one heading; ``anchor`` is None for the text before any."""

    anchor: str | None
    heading: str
    text: str


@dataclass(frozen=True)
class Document:
    """One published article, as the index needs it."""

    slug: str
    language: str
    title: str
    category: str
    category_name: str
    summary: str = ""
    tags: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()

    @property
    def headings(self) -> str:
        return "\n".join(section.heading for section in self.sections if section.heading)

    @property
    def body(self) -> str:
        return "\n".join(section.text for section in self.sections)


@dataclass(frozen=True)
class Hit:
    """One search result. ``snippet`` is escaped HTML with matches in ``<mark>``."""

    slug: str
    language: str
    title: str
    category: str
    category_name: str
    snippet: str
    anchor: str | None
    score: float
    weak: bool = False  # shown although it does not answer the query


@dataclass(frozen=True)
class Results:
    """A page of results; ``corrected`` means they answer ``suggestion`` instead of the query."""

    query: str
    language: str
    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)
    suggestion: str | None = None
    corrected: bool = False
    other_language: bool = False
    answered: bool = True

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Suggestion:
    """An as-you-type suggestion: an article title."""

    slug: str
    language: str
    title: str
