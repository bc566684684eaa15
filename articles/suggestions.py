"""What the search box suggests as customers type, so that nobody can plant a suggestion.

Suggestions are article titles, headings of published articles, queries staff approved, and
queries that many different visitors asked on different days and that led to an article. A
query that looks like personal data (phone numbers, e-mail or street addresses, names) is never
suggested, and one staff blocked never shows.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from articles.models import (
    Article,
    ArticleRevision,
    SearchQuery,
    SearchSuggestion,
    Status,
    SuggestionState,
)
from portal import audit
from portal.caching import KEPT, kept
from portal.extensions import db
from portal.models import User, utcnow
from search.analysis import PREFIX_MIN, fold, words

SUGGESTION_DAYS = 90
LABEL_MAX = 200
HEADINGS_KEPT = 4  # per process: one list per language and state of the articles
HEADINGS_SHOWN = 3
HEADING_SHARED_MAX = 2

for _state, _label in (
    ("approved", _l("Search suggestion approved")),
    ("blocked", _l("Search suggestion blocked")),
    ("removed", _l("Search suggestion decision removed")),
):
    audit.describe(f"suggestion.{_state}", _label)

_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
_LONG_NUMBER = re.compile(r"\d{5,}")
# Digits with the separators phone numbers and dates are written with: "040 / 123 456".
_DIGIT_GROUPS = re.compile(r"\+?\d[\d\s/().\-]*\d")
_PHONE_DIGITS = 6
_STREET = re.compile(
    r"\b[\wäöüß-]*(?:straße|strasse|str\.|str|weg|platz|allee|gasse)\s*\d{1,4}\s*[a-z]?\b",
    re.IGNORECASE,
)
_SALUTATION = re.compile(
    r"(?:^|\s)(?:herrn?|frau|fam\.?|familie|dr\.|prof\.|mr\.?|mrs\.?|ms\.?)\s+\w", re.IGNORECASE
)
# Two capitalised words after a lower-case word ("anruf von Anna Schmidt"): nouns come one at
# a time in German queries, names in pairs.
_NAME_PAIR = re.compile(r"\b[a-zäöüß]+\s+[A-ZÄÖÜ][a-zäöüß]+\s+[A-ZÄÖÜ][a-zäöüß]+\b")


def looks_personal(text: str) -> bool:
    """Whether a query may carry personal data: an e-mail address, a phone number or long
    number, a street address, a salutation with a name, or a first and last name.

    Error codes and model numbers ("E18", "F28", "4C", "WM-14N") are not personal.
    """
    if _EMAIL.search(text) or _LONG_NUMBER.search(text):
        return True
    for group in _DIGIT_GROUPS.findall(text):
        if sum(ch.isdigit() for ch in group) >= _PHONE_DIGITS:
            return True
    return bool(_STREET.search(text) or _SALUTATION.search(text) or _NAME_PAIR.search(text))


def query_key(text: str, language: str) -> str:
    """One key for the spellings of a query: case, umlauts (ä/ae), ß/ss, spacing and hyphens
    in codes ("E 18", "E-18") and in compounds ("spuel maschine", "Spülmaschine")."""
    return "".join(fold(word, language) for word in words(text))[:LABEL_MAX]


def label(text: str) -> str:
    return " ".join(text.lower().split())[:LABEL_MAX]


@dataclass(frozen=True)
class Heading:
    label: str
    slug: str
    language: str
    anchor: str
    words: tuple[str, ...]


def _read_headings(language: str) -> list[Heading]:
    rows = db.session.execute(
        select(Article.slug, ArticleRevision.title, ArticleRevision.toc)
        .join(ArticleRevision, ArticleRevision.id == Article.published_revision_id)
        .where(Article.language == language, Article.status == Status.PUBLISHED)
        .order_by(Article.slug)
    ).all()
    # Headings many articles share ("Termin buchen") say nothing about any one of them.
    shared = Counter(
        str(entry.get("title", "")).strip() for _, _, toc in rows for entry in toc or []
    )
    found = []
    for slug, title, toc in rows:
        for entry in toc or []:
            heading = str(entry.get("title", "")).strip()
            if not heading or heading == title or shared[heading] > HEADING_SHARED_MAX:
                continue
            folded = tuple(fold(word, language) for word in words(heading))
            found.append(Heading(f"{heading} – {title}", slug, language, entry["id"], folded))
    return found


def headings(text: str, language: str, stamp: object, limit: int = HEADINGS_SHOWN) -> list[Heading]:
    """Headings of published articles whose words start with every word typed so far;
    ``stamp`` names the state of the articles the process may keep the list under."""
    prefixes = [fold(word, language) for word in words(text)[:6]]
    if not prefixes or not any(len(p) >= PREFIX_MIN for p in prefixes):
        return []
    store = kept("suggestion_headings", HEADINGS_KEPT)
    known = store.get((language, stamp))
    if known is None:
        known = _read_headings(language)
        store.put((language, stamp), known)
    matched = [
        heading
        for heading in known
        if all(any(word.startswith(p) for word in heading.words) for p in prefixes)
    ]
    return matched[:limit]


def _staff_choices(language: str) -> dict[str, SearchSuggestion]:
    rows = db.session.scalars(
        select(SearchSuggestion).where(SearchSuggestion.language == language)
    ).all()
    return {row.folded: row for row in rows}


@dataclass(frozen=True)
class Candidate:
    """A query visitors made often enough to be suggested without staff."""

    folded: str
    language: str
    label: str
    visitors: int
    searches: int


def earned(languages: tuple[str, ...], prefix_key: str = "") -> list[Candidate]:
    """Queries of the last ``SUGGESTION_DAYS`` that enough different visitors (network
    hashes) asked, on at least two days, that found something, led to a click at least once,
    and look like no personal data; most visitors first."""
    since = utcnow() - timedelta(days=SUGGESTION_DAYS)
    visitors = func.count(SearchQuery.searcher.distinct())
    conditions = [
        SearchQuery.language.in_(languages),
        SearchQuery.created_at >= since,
        SearchQuery.searcher.is_not(None),
        SearchQuery.folded.is_not(None),
        SearchQuery.result_count > 0,
    ]
    if prefix_key:
        conditions.append(SearchQuery.folded.startswith(prefix_key, autoescape=True))
    rows = db.session.execute(
        select(
            SearchQuery.language,
            SearchQuery.folded,
            visitors,
            func.count(),
            func.min(SearchQuery.created_at),
            func.max(SearchQuery.created_at),
        )
        .where(*conditions)
        .group_by(SearchQuery.language, SearchQuery.folded)
        .having(
            visitors >= current_app.config["SUGGESTION_MIN_VISITORS"],
            func.count(SearchQuery.clicked_slug) >= 1,
        )
        .order_by(visitors.desc(), SearchQuery.folded)
    ).all()
    rows = [row for row in rows if row[4].date() != row[5].date()]
    spellings = _spellings(languages, [row[1] for row in rows], since)
    return [
        Candidate(folded, language, spellings[language, folded], count, searches)
        for language, folded, count, searches, _, _ in rows
        if not looks_personal(spellings[language, folded])
    ]


def _spellings(languages: tuple[str, ...], keys: list[str], since) -> dict[tuple[str, str], str]:
    """The spelling of each folded query that visitors used most (first alphabetically among
    equals)."""
    if not keys:
        return {}
    rows = db.session.execute(
        select(SearchQuery.language, SearchQuery.folded, SearchQuery.query, func.count())
        .where(
            SearchQuery.language.in_(languages),
            SearchQuery.created_at >= since,
            SearchQuery.folded.in_(set(keys)),
        )
        .group_by(SearchQuery.language, SearchQuery.folded, SearchQuery.query)
    ).all()
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for language, folded, text, count in rows:
        known = best.get((language, folded))
        if known is None or (-count, text) < (-known[0], known[1]):
            best[language, folded] = (count, text)
    return {key: text for key, (_, text) in best.items()}


def public_queries(language: str, text: str, limit: int) -> list[str]:
    """The queries the search box may suggest for ``text``: staff-approved ones first, then
    those visitors earned; never a blocked one, never the text itself."""
    key = query_key(text, language)
    if limit <= 0 or len(key) < PREFIX_MIN:
        return []
    choices = _staff_choices(language)
    approved = sorted(
        (
            row.label
            for row in choices.values()
            if row.state == SuggestionState.APPROVED
            and row.folded.startswith(key)
            and row.folded != key
        ),
    )
    others = [
        c.label for c in earned((language,), key) if c.folded not in choices and c.folded != key
    ]
    return [*approved, *others][:limit]


def _forget_kept() -> None:
    """Staff's decision shows at once in this process, within a minute in the others."""
    store = current_app.extensions.get(KEPT, {}).get("suggestions")
    if store is not None:
        store.clear()


class SuggestionRefused(ValueError):
    """A query staff cannot approve: empty, or it looks like personal data."""


def decide(text: str, language: str, state: SuggestionState, user: User | None) -> None:
    """Approve or block a query for the suggestions, whatever spelling of it staff typed."""
    key = query_key(text, language)
    if not key:
        raise SuggestionRefused("empty")
    if state == SuggestionState.APPROVED and looks_personal(text):
        raise SuggestionRefused("personal")
    row = db.session.scalar(
        select(SearchSuggestion).where(
            SearchSuggestion.language == language, SearchSuggestion.folded == key
        )
    ) or SearchSuggestion(language=language, folded=key)
    row.label, row.state, row.updated_at = label(text), state, utcnow()
    row.updated_by_id = user.id if user else None
    db.session.add(row)
    audit.record(user, f"suggestion.{state.value}", _audit_target(row))
    db.session.commit()
    _forget_kept()


def _audit_target(row: SearchSuggestion) -> str:
    """The query as the audit log names it; one that looks personal only by its language."""
    return row.language if looks_personal(row.label) else f"{row.label} ({row.language})"


def remove(suggestion_id: int, user: User | None) -> bool:
    """Forget staff's decision on a query; True when there was one."""
    row = db.session.get(SearchSuggestion, suggestion_id)
    if row is None:
        return False
    audit.record(user, "suggestion.removed", _audit_target(row))
    db.session.delete(row)
    db.session.commit()
    _forget_kept()
    return True


@dataclass
class Overview:
    approved: list[SearchSuggestion]
    blocked: list[SearchSuggestion]
    earned: list[Candidate]


def overview(languages: tuple[str, ...]) -> Overview:
    """What the suggestions are made of, for the staff page."""
    rows = db.session.scalars(
        select(SearchSuggestion).order_by(SearchSuggestion.language, SearchSuggestion.label)
    ).all()
    decided = {(row.language, row.folded) for row in rows}
    return Overview(
        approved=[row for row in rows if row.state == SuggestionState.APPROVED],
        blocked=[row for row in rows if row.state == SuggestionState.BLOCKED],
        earned=[c for c in earned(languages) if (c.language, c.folded) not in decided],
    )
