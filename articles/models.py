"""Knowledge-base data: categories, articles, their revisions, tags, images, and what
customers did with them (searches, views, votes)."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    column,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import User, UTCDateTime, utcnow, value_enum

TITLE_MAX = 200
SUMMARY_MAX = 300
BODY_MAX = 100_000


class Status(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Category(db.Model):
    """A category (no parent) or a section inside one; each belongs to one language."""

    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("language", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(80))
    path: Mapped[str] = mapped_column(String(170))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    parent: Mapped["Category | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Category"]] = relationship(
        back_populates="parent", order_by="Category.position, Category.name"
    )

    @property
    def full_name(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent else self.name


article_tag = Table(
    "article_tag",
    db.Model.metadata,
    Column("article_id", ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(db.Model):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)


class Article(db.Model):
    """An article; what customers see is its published revision, editors work on the latest."""

    __tablename__ = "article"
    # A language's published articles, newest first: the latest list, and the candidates of
    # the related and frequently helpful lists.
    __table_args__ = (
        Index("ix_article_language_status_published_at", "language", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[Status] = mapped_column(
        value_enum(Status, "article_status"),
        default=Status.DRAFT,
        index=True,
    )
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    translation_group: Mapped[str | None] = mapped_column(String(36), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    latest_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("article_revision.id", use_alter=True, ondelete="SET NULL")
    )
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("article_revision.id", use_alter=True, ondelete="SET NULL")
    )

    category: Mapped[Category] = relationship()
    author: Mapped[User | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=article_tag, order_by=Tag.name)
    revisions: Mapped[list["ArticleRevision"]] = relationship(
        back_populates="article",
        foreign_keys="ArticleRevision.article_id",
        order_by="ArticleRevision.number.desc()",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    latest: Mapped["ArticleRevision | None"] = relationship(
        foreign_keys=[latest_revision_id], post_update=True
    )
    published: Mapped["ArticleRevision | None"] = relationship(
        foreign_keys=[published_revision_id], post_update=True
    )

    @property
    def has_unpublished_changes(self) -> bool:
        return self.published_revision_id is not None and (
            self.published_revision_id != self.latest_revision_id
        )


class ArticleRevision(db.Model):
    """One saved state of an article, with its HTML rendered once when it is saved."""

    __tablename__ = "article_revision"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    toc: Mapped[list] = mapped_column(db.JSON, default=list)
    category_path: Mapped[str] = mapped_column(String(170), default="")
    tags: Mapped[list] = mapped_column(db.JSON, default=list)
    message: Mapped[str] = mapped_column(String(200), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship(back_populates="revisions", foreign_keys=[article_id])
    author: Mapped[User | None] = relationship()


class Image(db.Model):
    """An uploaded image, kept in the database so that every app node can serve it."""

    __tablename__ = "image"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SearchQuery(db.Model):
    """One search as customers made it: no addresses, no personal data.

    ``folded`` groups spellings of one query (case, umlauts, spacing, codes); ``searcher`` is a
    keyed hash of the client's network for the period, so suggestions can count different
    visitors without knowing who they are; ``answered`` is None for searches logged before the
    search library judged its answers.
    """

    __tablename__ = "search_query"
    __table_args__ = (
        # Suggestions: frequent queries of a language starting like the typed text. The pattern
        # operator class lets LIKE 'text%' use the index whatever the database's collation.
        Index(
            "ix_search_query_language_query",
            "language",
            "query",
            "created_at",
            postgresql_ops={"query": "varchar_pattern_ops"},
            postgresql_include=["result_count"],
        ),
        # Suggestions and content gaps: the searches of one folded query, or of those starting
        # like the typed text (the pattern operator class again).
        Index(
            "ix_search_query_language_folded",
            "language",
            "folded",
            "created_at",
            postgresql_ops={"folded": "varchar_pattern_ops"},
        ),
        # Popular articles: recent clicks by slug, read from the index alone.
        Index(
            "ix_search_query_clicks",
            "created_at",
            "clicked_slug",
            postgresql_where=column("clicked_slug").is_not(None),
            sqlite_where=column("clicked_slug").is_not(None),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2))
    result_count: Mapped[int] = mapped_column(Integer)
    clicked_slug: Mapped[str | None] = mapped_column(String(120))
    clicked_rank: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    folded: Mapped[str | None] = mapped_column(String(200))
    searcher: Mapped[str | None] = mapped_column(String(32))
    answered: Mapped[bool | None] = mapped_column(Boolean)


class SuggestionState(enum.StrEnum):
    APPROVED = "approved"
    BLOCKED = "blocked"


class SearchSuggestion(db.Model):
    """A query staff approved for the search box's suggestions, or blocked from them."""

    __tablename__ = "search_suggestion"
    __table_args__ = (UniqueConstraint("language", "folded"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(2))
    folded: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200))
    state: Mapped[SuggestionState] = mapped_column(value_enum(SuggestionState, "suggestion_state"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class SynonymList(db.Model):
    """The synonym groups staff edited for one language; absent means the shipped default."""

    __tablename__ = "synonym_list"

    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class Reason(enum.StrEnum):
    """Why an article did not help, as customers pick it after "Nein"."""

    OUTDATED = "outdated"
    UNCLEAR = "unclear"
    NOT_SOLVED = "not_solved"
    BROKEN = "broken"
    OTHER = "other"


COMMENT_MAX = 1000
_open_feedback = column("helpful").is_(false()) & column("resolved_at").is_(None)
_not_counted = column("counted").is_(false())


class ArticleVote(db.Model):
    """One visitor's current judgement of one article; changing it updates this row.

    ``counted`` is false when the visitor's address had already given the article its daily
    share of votes: the vote is kept for the visitor but moves no score.
    """

    __tablename__ = "article_vote"
    __table_args__ = (
        UniqueConstraint("article_id", "visitor"),
        # The votes an address gave an article: checked on every vote.
        Index("ix_article_vote_article_id_address", "article_id", "address"),
        # An article's votes in a period: the trends of its feedback page.
        Index("ix_article_vote_article_id_updated_at", "article_id", "updated_at"),
        # Few rows each, counted per article on the feedback overview.
        Index(
            "ix_article_vote_open_feedback",
            "article_id",
            postgresql_where=_open_feedback,
            sqlite_where=_open_feedback,
        ),
        Index(
            "ix_article_vote_not_counted",
            "article_id",
            postgresql_where=_not_counted,
            sqlite_where=_not_counted,
        ),
        # A withdrawn vote's id never comes back on SQLite, so the version check below cannot
        # take a new vote for the one a request read.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("article_revision.id", ondelete="SET NULL"), index=True
    )
    visitor: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date)
    helpful: Mapped[bool] = mapped_column(Boolean)
    counted: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[Reason | None] = mapped_column(value_enum(Reason, "vote_reason"))
    comment: Mapped[str | None] = mapped_column(Text)
    query: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    article: Mapped[Article] = relationship()
    revision: Mapped[ArticleRevision | None] = relationship()
    resolved_by: Mapped[User | None] = relationship()

    # Two requests changing one vote at once: the second fails and retries from the first's
    # result, so the running sums in ArticleScore never count a change twice.
    __mapper_args__ = {"version_id_col": version}


class ArticleScore(db.Model):
    """Running sums of an article's counted votes, kept up to date by every vote, so that reading
    all scores costs one row per article however many votes there are.

    Sums are forward-decayed (see ``articles.ranking``) with ``half_life_days``; when the
    configured half-life differs, they are rebuilt from the votes.
    """

    __tablename__ = "article_score"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    yes: Mapped[float] = mapped_column(Float, default=0.0)
    no: Mapped[float] = mapped_column(Float, default=0.0)
    half_life_days: Mapped[float] = mapped_column(Float)


class ArticleView(db.Model):
    """An article seen by one visitor on one day; the unique key makes counting idempotent."""

    __tablename__ = "article_view"
    __table_args__ = (
        UniqueConstraint("article_id", "day", "visitor"),
        # Recent views per article, read from the index alone.
        Index("ix_article_view_day_article_id", "day", "article_id"),
        # The searches that led to an article: a fifth of the views, and the only ones needed.
        Index(
            "ix_article_view_article_id_query",
            "article_id",
            "query",
            postgresql_where=column("query").is_not(None),
            sqlite_where=column("query").is_not(None),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    visitor: Mapped[str] = mapped_column(String(64))
    query: Mapped[str | None] = mapped_column(String(200))


class ArticleChange(db.Model):
    """One committed change to an article, in commit order: every node's search index follows
    this log to stay in step with articles written on other nodes."""

    __tablename__ = "article_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(Integer)
    slug: Mapped[str] = mapped_column(String(120))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class PromotedAnswer(db.Model):
    """An article editors named the best answer to a query; ``query_key`` is the query as the
    search analyses it, so spelling variants of the query find the same row."""

    __tablename__ = "promoted_answer"
    __table_args__ = (UniqueConstraint("query_key", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200))
    query_key: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2))
    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship()
    created_by: Mapped[User | None] = relationship()
