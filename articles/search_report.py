"""What customers search for and do not find: the numbers behind the staff search page.

A content gap is a query the search had no confident answer for (the search library said so,
or nothing was found), its spellings grouped under one folded key, and one-letter typos of
longer keys with them. It counts as solved once a later search of the same key was answered.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, false, func, or_, select, true

from articles.models import SearchQuery
from articles.suggestions import query_key
from portal.extensions import db
from portal.models import utcnow
from portal.spreadsheets import csv_text

TREND_DAYS = (30, 90)
TYPO_MIN_LENGTH = 6
TYPO_MAX_LENGTH = 40  # a typo matters in a short query; a long one costs its length squared
SOLVED_CHUNK = 5000  # keys per query: below every database's limit of bound parameters
CHART_WIDTH, CHART_HEIGHT, CHART_TOP = 600, 160, 10


@dataclass(frozen=True)
class QueryRow:
    query: str
    language: str
    searches: int
    results: int
    clicks: int

    @property
    def click_rate(self) -> float:
        return self.clicks / self.searches if self.searches else 0.0


@dataclass
class Report:
    days: int
    searches: int = 0
    clicks: int = 0
    without_results: int = 0
    top: list[QueryRow] = field(default_factory=list)
    no_results: list[QueryRow] = field(default_factory=list)
    no_clicks: list[QueryRow] = field(default_factory=list)
    gaps: list["Gap"] = field(default_factory=list)
    trend: "Trend | None" = None

    @property
    def click_rate(self) -> float:
        return self.clicks / self.searches if self.searches else 0.0


def query_rows(days: int) -> list[QueryRow]:
    """Every distinct query of the last ``days`` days, most searched first."""
    since = utcnow() - timedelta(days=days)
    rows = db.session.execute(
        select(
            SearchQuery.query,
            SearchQuery.language,
            func.count(),
            func.max(SearchQuery.result_count),
            func.count(SearchQuery.clicked_slug),
        )
        .where(SearchQuery.created_at >= since)
        .group_by(SearchQuery.query, SearchQuery.language)
        .order_by(func.count().desc(), SearchQuery.query)
    ).all()
    return [QueryRow(*row) for row in rows]


def report(days: int = 30, limit: int = 25, trend_days: int = 30) -> Report:
    rows = query_rows(days)
    return Report(
        gaps=gaps(days, limit),
        trend=trend(trend_days),
        days=days,
        searches=sum(r.searches for r in rows),
        clicks=sum(r.clicks for r in rows),
        without_results=sum(r.searches for r in rows if r.results == 0),
        top=rows[:limit],
        no_results=[r for r in rows if r.results == 0][:limit],
        no_clicks=[r for r in rows if r.results > 0 and r.clicks == 0][:limit],
    )


def as_csv(days: int) -> str:
    return csv_text(
        ["query", "language", "searches", "results", "clicks", "click_rate"],
        (
            [
                row.query,
                row.language,
                row.searches,
                row.results,
                row.clicks,
                f"{row.click_rate:.3f}",
            ]
            for row in query_rows(days)
        ),
    )


def _unanswered():
    return or_(SearchQuery.answered.is_(false()), SearchQuery.result_count == 0)


@dataclass
class Gap:
    """Searches of one query (in all its spellings) that found no confident answer."""

    key: str
    language: str
    variants: Counter = field(default_factory=Counter)
    last: datetime | None = None
    solved: bool = False

    @property
    def searches(self) -> int:
        return sum(self.variants.values())

    @property
    def label(self) -> str:
        """The spelling searched most often (alphabetically first among equals)."""
        return min(self.variants.items(), key=lambda item: (-item[1], item[0]))[0]

    @property
    def spellings(self) -> list[str]:
        return sorted(self.variants, key=lambda text: (-self.variants[text], text))


def within_one_edit(a: str, b: str) -> bool:
    """Whether one insertion, deletion or substitution turns ``a`` into ``b``."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    if len(a) == len(b):
        return a[start + 1 :] == b[start + 1 :]
    return a[start:] == b[start + 1 :]


def typo_groups(keys: list[str]) -> dict[str, str]:
    """Each key of ``TYPO_MIN_LENGTH`` to ``TYPO_MAX_LENGTH`` characters mapped to the key of
    its group: keys one edit apart belong together. Keys that share a one-letter deletion are
    the only ones compared, so this does not compare every pair."""
    parent = {key: key for key in keys}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    by_deletion = defaultdict(list)
    for key in keys:
        if TYPO_MIN_LENGTH <= len(key) <= TYPO_MAX_LENGTH:
            for variant in {key} | {key[:i] + key[i + 1 :] for i in range(len(key))}:
                by_deletion[variant].append(key)
    for group in by_deletion.values():
        for other in group[1:]:
            if within_one_edit(group[0], other):
                first, second = root(group[0]), root(other)
                if first != second:
                    parent[max(first, second)] = min(first, second)
    return {key: root(key) for key in keys}


def gaps(days: int, limit: int = 25) -> list[Gap]:
    """The queries of the last ``days`` days without a confident answer, most searched
    first, open ones before solved ones."""
    since = utcnow() - timedelta(days=days)
    rows = db.session.execute(
        select(
            SearchQuery.query,
            SearchQuery.language,
            func.count(),
            func.max(SearchQuery.created_at),
        )
        .where(SearchQuery.created_at >= since, _unanswered())
        .group_by(SearchQuery.query, SearchQuery.language)
    ).all()
    keyed = [
        (query_key(query, language) or query, query, language, count, last)
        for query, language, count, last in rows
    ]
    merged = {}
    for language in {row[2] for row in keyed}:
        merged[language] = typo_groups(sorted({row[0] for row in keyed if row[2] == language}))
    found: dict[tuple[str, str], Gap] = {}
    for key, query, language, count, last in keyed:
        group = merged[language][key]
        gap = found.setdefault((group, language), Gap(group, language))
        gap.variants[query] += count
        gap.last = last if gap.last is None or last > gap.last else gap.last
    _mark_solved(found.values(), merged)
    ordered = sorted(found.values(), key=lambda g: (g.solved, -g.searches, g.label))
    return ordered[:limit]


def _mark_solved(found, merged: dict[str, dict[str, str]]) -> None:
    """A gap is solved once a search of its key (or one of its typos) was answered after
    its last unanswered one."""
    by_group = {(g.key, g.language): g for g in found}
    keys = sorted({key for groups in merged.values() for key in groups})
    for start in range(0, len(keys), SOLVED_CHUNK):
        answered = db.session.execute(
            select(SearchQuery.language, SearchQuery.folded, func.max(SearchQuery.created_at))
            .where(
                SearchQuery.folded.in_(keys[start : start + SOLVED_CHUNK]),
                SearchQuery.answered.is_(true()),
                SearchQuery.result_count > 0,
            )
            .group_by(SearchQuery.language, SearchQuery.folded)
        ).all()
        for language, key, latest in answered:
            group = merged.get(language, {}).get(key)
            gap = by_group.get((group, language))
            if gap is not None and latest > gap.last:
                gap.solved = True


@dataclass(frozen=True)
class Bar:
    label: str
    start: date
    searches: int
    unanswered: int
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


@dataclass
class Trend:
    days: int
    bars: list[Bar]
    peak: int
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT

    @property
    def unanswered(self) -> int:
        return sum(bar.unanswered for bar in self.bars)


def trend(days: int, today: date | None = None) -> Trend:
    """Searches without a confident answer per day (30 days) or per week (90 days), as bars
    of a chart whose figures the page also shows as a table."""
    today = today or utcnow().date()
    step = 1 if days <= 30 else 7
    count = -(-days // step)
    first = today - timedelta(days=count * step - 1)
    day = func.date(SearchQuery.created_at)
    rows = db.session.execute(
        select(day, func.count(), func.sum(case((_unanswered(), 1), else_=0)))
        .where(
            SearchQuery.created_at >= datetime.combine(first, datetime.min.time(), utcnow().tzinfo)
        )
        .group_by(day)
    ).all()
    searches, unanswered = [0] * count, [0] * count
    for on, total, missed in rows:
        index = (date.fromisoformat(str(on)[:10]) - first).days // step
        if 0 <= index < count:
            searches[index] += total
            unanswered[index] += missed or 0
    peak = max([*unanswered, 1])
    slot = CHART_WIDTH / count
    bars = []
    for index in range(count):
        start = first + timedelta(days=index * step)
        height = (CHART_HEIGHT - CHART_TOP) * unanswered[index] / peak
        bars.append(
            Bar(
                label=start.strftime("%d.%m."),
                start=start,
                searches=searches[index],
                unanswered=unanswered[index],
                x=round(index * slot + slot * 0.1, 1),
                y=round(CHART_HEIGHT - height, 1),
                width=round(slot * 0.8, 1),
                height=round(height, 1),
            )
        )
    return Trend(days, bars, peak)
