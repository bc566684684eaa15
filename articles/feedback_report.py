"""What votes and views say about articles: the numbers behind the staff feedback pages."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import joinedload

from articles import ranking
from articles.models import Article, ArticleRevision, ArticleView, ArticleVote, Status
from portal.extensions import db
from portal.models import utcnow
from portal.spreadsheets import csv_text

TREND_DAYS = (30, 90)


@dataclass
class Tally:
    views: int = 0
    yes: int = 0
    no: int = 0

    @property
    def votes(self) -> int:
        return self.yes + self.no

    @property
    def score(self) -> float:
        return ranking.scoring().score(self.yes, self.no)

    @property
    def interval(self) -> tuple[float, float]:
        return ranking.wilson_interval(self.yes, self.votes)


@dataclass
class ArticleStats:
    article: Article
    tally: Tally
    views_recent: int
    score: float
    open_feedback: int
    not_counted: int

    @property
    def title(self) -> str:
        revision = self.article.published or self.article.latest
        return revision.title if revision else self.article.slug


@dataclass
class Trend:
    days: int
    current: Tally
    previous: Tally

    @property
    def change(self) -> float | None:
        if not (self.current.votes and self.previous.votes):
            return None
        return self.current.score - self.previous.score


@dataclass
class RevisionTally:
    revision: ArticleRevision
    tally: Tally
    published: bool


@dataclass
class QueryTally:
    query: str
    views: int = 0
    yes: int = 0
    no: int = 0


@dataclass
class ArticleReport:
    stats: ArticleStats
    trends: list[Trend]
    reasons: Counter
    feedback: list[ArticleVote]
    queries: list[QueryTally] = field(default_factory=list)
    revisions: list[RevisionTally] = field(default_factory=list)


_yes = func.sum(case((ArticleVote.helpful.is_(True), 1), else_=0))
_no = func.sum(case((ArticleVote.helpful.is_(False), 1), else_=0))


def _vote_tallies(*conditions) -> dict[int, Tally]:
    rows = db.session.execute(
        select(ArticleVote.article_id, _yes, _no)
        .where(ArticleVote.counted.is_(True), *conditions)
        .group_by(ArticleVote.article_id)
    ).all()
    return {article_id: Tally(yes=yes or 0, no=no or 0) for article_id, yes, no in rows}


def _counts(model, *conditions) -> dict[int, int]:
    """Rows of ``model`` (views or votes) per article."""
    rows = db.session.execute(
        select(model.article_id, func.count()).where(*conditions).group_by(model.article_id)
    ).all()
    return dict(rows)


def overview(language: str | None = None) -> list[ArticleStats]:
    """Every published or voted-on article, those needing attention first: lowest score, then
    most open negative feedback."""
    since = utcnow().date() - timedelta(days=TREND_DAYS[0])
    tallies = _vote_tallies()
    views = _counts(ArticleView)
    recent_views = _counts(ArticleView, ArticleView.day >= since)
    open_feedback = _counts(
        ArticleVote, ArticleVote.helpful.is_(False), ArticleVote.resolved_at.is_(None)
    )
    not_counted = _counts(ArticleVote, ArticleVote.counted.is_(False))
    scores = ranking.compute_scores()
    prior = ranking.scoring().prior
    # Voted-on as EXISTS, not as a list of ids (one bound parameter per article) nor as IN
    # (a subquery PostgreSQL cannot hash when it is OR-ed, and runs again for every article).
    voted = exists().where(ArticleVote.article_id == Article.id, ArticleVote.counted.is_(True))
    statement = (
        select(Article)
        .where((Article.status == Status.PUBLISHED) | voted)
        .options(joinedload(Article.published), joinedload(Article.latest))
    )
    if language:
        statement = statement.where(Article.language == language)
    rows = []
    for article in db.session.scalars(statement):
        tally = tallies.get(article.id, Tally())
        tally.views = views.get(article.id, 0)
        rows.append(
            ArticleStats(
                article=article,
                tally=tally,
                views_recent=recent_views.get(article.id, 0),
                score=scores.get(article.slug, prior),
                open_feedback=open_feedback.get(article.id, 0),
                not_counted=not_counted.get(article.id, 0),
            )
        )
    rows.sort(key=lambda row: (row.score, -row.open_feedback, -row.tally.no, row.title))
    return rows


def _tally(article: Article, start: datetime | None, end: datetime | None = None) -> Tally:
    conditions = [ArticleVote.article_id == article.id]
    view_conditions = [ArticleView.article_id == article.id]
    if start is not None:
        conditions.append(ArticleVote.updated_at >= start)
        view_conditions.append(ArticleView.day >= start.date())
    if end is not None:
        conditions.append(ArticleVote.updated_at < end)
        view_conditions.append(ArticleView.day < end.date())
    tally = _vote_tallies(*conditions).get(article.id, Tally())
    tally.views = _counts(ArticleView, *view_conditions).get(article.id, 0)
    return tally


def _trend(article: Article, days: int, now: datetime) -> Trend:
    start = now - timedelta(days=days)
    return Trend(days, _tally(article, start), _tally(article, start - timedelta(days=days), start))


def _queries(article: Article) -> list[QueryTally]:
    found: dict[str, QueryTally] = {}
    for query, helpful, count in db.session.execute(
        select(ArticleVote.query, ArticleVote.helpful, func.count())
        .where(ArticleVote.article_id == article.id, ArticleVote.query.is_not(None))
        .group_by(ArticleVote.query, ArticleVote.helpful)
    ):
        entry = found.setdefault(query, QueryTally(query))
        if helpful:
            entry.yes += count
        else:
            entry.no += count
    for query, count in db.session.execute(
        select(ArticleView.query, func.count())
        .where(ArticleView.article_id == article.id, ArticleView.query.is_not(None))
        .group_by(ArticleView.query)
    ):
        found.setdefault(query, QueryTally(query)).views = count
    return sorted(found.values(), key=lambda q: (-(q.yes + q.no), -q.views, q.query))


def _revisions(article: Article) -> list[RevisionTally]:
    rows = db.session.execute(
        select(ArticleVote.revision_id, _yes, _no)
        .where(ArticleVote.article_id == article.id, ArticleVote.counted.is_(True))
        .group_by(ArticleVote.revision_id)
    ).all()
    tallies = {revision_id: Tally(yes=yes or 0, no=no or 0) for revision_id, yes, no in rows}
    wanted = set(tallies) | {article.published_revision_id}
    revisions = db.session.scalars(
        select(ArticleRevision)
        .where(ArticleRevision.id.in_([r for r in wanted if r is not None]))
        .order_by(ArticleRevision.number.desc())
    )
    return [
        RevisionTally(
            revision,
            tallies.get(revision.id, Tally()),
            revision.id == article.published_revision_id,
        )
        for revision in revisions
    ]


def article_report(article: Article) -> ArticleReport:
    now = utcnow()
    feedback = list(
        db.session.scalars(
            select(ArticleVote)
            .where(ArticleVote.article_id == article.id, ArticleVote.helpful.is_(False))
            .options(joinedload(ArticleVote.revision), joinedload(ArticleVote.resolved_by))
            .order_by(ArticleVote.resolved_at.is_not(None), ArticleVote.updated_at.desc())
        )
    )
    tally = _tally(article, None)
    stats = ArticleStats(
        article=article,
        tally=tally,
        views_recent=_tally(article, now - timedelta(days=TREND_DAYS[0])).views,
        score=ranking.compute_scores().get(article.slug, ranking.scoring().prior),
        open_feedback=sum(1 for vote in feedback if vote.resolved_at is None),
        not_counted=_counts(
            ArticleVote, ArticleVote.article_id == article.id, ArticleVote.counted.is_(False)
        ).get(article.id, 0),
    )
    return ArticleReport(
        stats=stats,
        trends=[_trend(article, days, now) for days in TREND_DAYS],
        reasons=Counter(vote.reason.value for vote in feedback if vote.reason),
        feedback=feedback,
        queries=_queries(article),
        revisions=_revisions(article),
    )


def overview_csv(language: str | None = None) -> str:
    return csv_text(
        [
            "slug",
            "language",
            "title",
            "status",
            "views",
            f"views_{TREND_DAYS[0]}d",
            "yes",
            "no",
            "score",
            "interval_low",
            "interval_high",
            "open_feedback",
            "not_counted",
        ],
        (
            [
                row.article.slug,
                row.article.language,
                row.title,
                row.article.status.value,
                row.tally.views,
                row.views_recent,
                row.tally.yes,
                row.tally.no,
                f"{row.score:.3f}",
                f"{row.tally.interval[0]:.3f}",
                f"{row.tally.interval[1]:.3f}",
                row.open_feedback,
                row.not_counted,
            ]
            for row in overview(language)
        ),
    )


def feedback_csv() -> str:
    """Every "No" with what the customer told us, newest first."""
    votes = db.session.scalars(
        select(ArticleVote)
        .where(ArticleVote.helpful.is_(False))
        .options(joinedload(ArticleVote.article), joinedload(ArticleVote.revision))
        .order_by(ArticleVote.updated_at.desc())
    )
    return csv_text(
        ["date", "slug", "language", "revision", "reason", "comment", "query", "status"],
        (
            [
                vote.updated_at.date().isoformat(),
                vote.article.slug,
                vote.article.language,
                vote.revision.number if vote.revision else "",
                vote.reason.value if vote.reason else "",
                vote.comment or "",
                vote.query or "",
                "done" if vote.resolved_at else "open",
            ]
            for vote in votes
        ),
    )
