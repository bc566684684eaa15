"""What customers search for and do not find: the numbers behind the staff search page."""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from articles.models import SearchQuery
from portal.extensions import db
from portal.models import utcnow
from portal.spreadsheets import csv_text


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


def report(days: int = 30, limit: int = 25) -> Report:
    rows = query_rows(days)
    return Report(
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
