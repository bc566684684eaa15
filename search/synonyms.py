"""Synonym groups, applied at query time so that a change needs no reindex.

The text format, one group per line: ``Spülmaschine = Geschirrspüler = Geschirrspülmaschine``;
lines starting with ``#`` are comments.
"""

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from search.analysis import fold, term, words

DATA = Path(__file__).resolve().parent / "data"
MAX_MEMBER_WORDS = 3
MAX_MEMBER_LENGTH = 60


@dataclass(frozen=True)
class SynonymError:
    line: int
    text: str
    reason: str


@dataclass
class Synonyms:
    """Lookup from a run of query words to the other ways of saying it."""

    language: str
    groups: list[tuple[tuple[str, ...], ...]] = field(default_factory=list)

    def __post_init__(self):
        self._by_key: dict[tuple[str, ...], int] = {}
        for number, group in enumerate(self.groups):
            for member in group:
                self._by_key.setdefault(self._key(member), number)

    def _key(self, member: tuple[str, ...]) -> tuple[str, ...]:
        """The member's terms, its stop words kept (folded): "geht nicht auf" is a phrase of its
        own, not the word "geht"."""
        return tuple(term(w, self.language) or fold(w, self.language) for w in member)

    def same(self, first: tuple[str, ...], second: tuple[str, ...]) -> bool:
        """Whether two runs of words are one and the same term sequence."""
        return self._key(first) == self._key(second)

    def alternatives(self, run: tuple[str, ...]) -> list[tuple[str, ...]]:
        """Every member of the group that ``run`` belongs to (itself included), or []."""
        number = self._by_key.get(self._key(run))
        return list(self.groups[number]) if number is not None else []

    @classmethod
    def parse(cls, text: str, language: str) -> tuple["Synonyms", list[SynonymError]]:
        """Read the text format; lines that are not a group are returned as errors."""
        groups, errors = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            members = [member.strip() for member in line.split("=")]
            if len(members) < 2 or not all(members):
                errors.append(SynonymError(number, line, "needs two or more words joined by ="))
                continue
            too_long = [
                m for m in members if len(m) > MAX_MEMBER_LENGTH or len(words(m)) > MAX_MEMBER_WORDS
            ]
            if too_long:
                errors.append(SynonymError(number, line, f"too long: {too_long[0]}"))
                continue
            groups.append(tuple(tuple(words(member)) for member in members))
        return cls(language, groups), errors


@lru_cache(maxsize=32)
def parsed(text: str, language: str) -> Synonyms:
    """Parse once per distinct text; the portal passes the same text on every search."""
    return Synonyms.parse(text, language)[0]


@lru_cache(maxsize=8)
def default_text(language: str) -> str:
    """The synonym list the portal ships with; read once, as every search needs it."""
    return (DATA / f"synonyms_{language}.txt").read_text(encoding="utf-8")
