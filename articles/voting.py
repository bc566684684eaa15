"""Votes and views: one judgement per visitor and article, one view per reader and day.

Nothing here reads the request; the views hand over the visitor's stored id and today's
address hash, so tests can replay a burst of votes without a browser.
"""

import random
import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from articles import ranking
from articles.catalog import ArticleRef
from articles.models import COMMENT_MAX, Article, ArticleView, ArticleVote, Reason
from portal.extensions import db
from portal.models import User, insert_unless_present, utcnow

VIEWS_SEEN = "articles.views_seen"
VIEWS_REMEMBERED = 200_000  # per process and day: some 30 MB at most

WRITE_ATTEMPTS = 10


class VoteError(ValueError):
    """A vote that cannot be taken as sent; the message says why, in English for the API."""


@dataclass(frozen=True)
class Ballot:
    """What a visitor sent: ``helpful`` None withdraws the vote."""

    helpful: bool | None
    reason: Reason | None = None
    comment: str | None = None

    def check(self) -> None:
        if self.helpful is not False and (self.reason or self.comment):
            raise VoteError("a reason or comment only goes with a 'no' vote")
        if self.comment is not None and len(self.comment) > COMMENT_MAX:
            raise VoteError(f"comment may have at most {COMMENT_MAX} characters")
        if self.comment is not None and "\x00" in self.comment:
            raise VoteError("comment may not contain NUL characters")
        if self.comment is not None and not self.comment.isascii():
            try:
                self.comment.encode()
            except UnicodeEncodeError:
                raise VoteError("comment may not contain unpaired surrogates") from None


def vote_of(article: Article | ArticleRef, visitor: str) -> ArticleVote | None:
    return db.session.scalar(
        select(ArticleVote).where(
            ArticleVote.article_id == article.id, ArticleVote.visitor == visitor
        )
    )


def _address_has_share(article: Article, address: str) -> bool:
    """Whether the address (its hash of this period) still has a share of votes to give.

    New votes on one article wait for each other (a row lock on PostgreSQL), so two first
    votes from one address cannot both take its last share.
    """
    db.session.execute(select(Article.id).where(Article.id == article.id).with_for_update())
    given = db.session.scalar(
        select(func.count()).where(
            ArticleVote.article_id == article.id,
            ArticleVote.address == address,
            ArticleVote.counted.is_(True),
        )
    )
    return given < current_app.config["HELPFULNESS_VOTES_PER_ADDRESS"]


def _apply(vote: ArticleVote, article: Article, ballot: Ballot, query: str | None) -> None:
    now = utcnow()
    feedback = (ballot.reason, (ballot.comment or "").strip() or None)
    if ballot.helpful or feedback != (vote.reason, vote.comment):
        vote.reason, vote.comment = feedback
        vote.resolved_at = vote.resolved_by_id = None
    vote.helpful = ballot.helpful
    vote.revision_id = article.published_revision_id
    vote.query = query or vote.query
    vote.updated_at, vote.day = now, now.date()


def _counted_state(vote: ArticleVote | None) -> ranking.VoteState:
    return (vote.helpful, vote.day) if vote is not None and vote.counted else None


def _write(
    article: Article, visitor: str, address: str, ballot: Ballot, query: str | None
) -> ArticleVote | None:
    vote = vote_of(article, visitor)
    before = _counted_state(vote)
    if ballot.helpful is None:
        if vote is None:
            return None
        db.session.delete(vote)
        vote = None
    else:
        if vote is None:
            vote = ArticleVote(
                article_id=article.id,
                visitor=visitor,
                address=address,
                counted=_address_has_share(article, address),
            )
            db.session.add(vote)
        _apply(vote, article, ballot, query)
    ranking.count_change(article.id, before, _counted_state(vote))
    db.session.commit()
    return vote


def cast(
    article: Article, visitor: str, address: str, ballot: Ballot, query: str | None = None
) -> ArticleVote | None:
    """Record, change or withdraw a visitor's vote; returns the vote as it now stands."""
    ballot.check()
    for attempt in range(WRITE_ATTEMPTS):
        try:
            vote = _write(article, visitor, address, ballot, query)
            break
        except (IntegrityError, StaleDataError):
            # The same visitor's other request got there first: start again from its result,
            # after a short random pause so that racing requests fall out of step.
            db.session.rollback()
            if attempt == WRITE_ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0, 0.002 * (attempt + 1)))  # noqa: S311 - jitter, not a secret
    ranking.forget()
    return vote


def record_view(article: Article | ArticleRef, viewer: str, query: str | None = None) -> None:
    """Count a view unless this reader was counted for this article today.

    The process remembers today's counted views, so a reader who comes back costs no write.
    """
    day = utcnow().date()
    seen = current_app.extensions.get(VIEWS_SEEN)
    if seen is None or seen[0] != day or len(seen[1]) > VIEWS_REMEMBERED:
        seen = current_app.extensions[VIEWS_SEEN] = (day, set())
    key = (article.id, viewer)
    if key in seen[1]:
        return
    values = {"article_id": article.id, "day": day, "visitor": viewer, "query": query}
    insert_unless_present(ArticleView, values, ["article_id", "day", "visitor"])
    db.session.commit()
    seen[1].add(key)


def resolve(user: User, article: Article, vote_id: int | None = None) -> int:
    """Mark an article's open negative feedback (or one item of it) as dealt with."""
    statement = (
        update(ArticleVote)
        .where(
            ArticleVote.article_id == article.id,
            ArticleVote.helpful.is_(False),
            ArticleVote.resolved_at.is_(None),
        )
        .values(resolved_at=utcnow(), resolved_by_id=user.id)
    )
    if vote_id is not None:
        statement = statement.where(ArticleVote.id == vote_id)
    changed = db.session.execute(statement).rowcount
    db.session.commit()
    return changed
