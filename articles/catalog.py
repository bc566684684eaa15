"""What customers browse: published articles by category, the latest ones, related ones."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import joinedload

from articles import ranking
from articles.models import (
    Article,
    ArticleChange,
    ArticleRevision,
    ArticleScore,
    Category,
    SearchQuery,
    Status,
    Tag,
    article_tag,
)
from portal.caching import kept
from portal.config import SUPPORTED_LANGUAGES
from portal.extensions import db
from portal.models import utcnow

LATEST_COUNT = 6
POPULAR_DAYS = 90
RELATED_COUNT = 5
HELPFUL_COUNT = 5


@dataclass(frozen=True)
class CategoryCount:
    name: str
    path: str
    count: int


def _published():
    return (
        select(Article)
        .where(Article.status == Status.PUBLISHED)
        .options(joinedload(Article.published), joinedload(Article.category))
    )


def published_article(language: str, slug: str) -> Article | None:
    """The article page's article, with the section's parent its breadcrumb shows."""
    return db.session.scalar(
        _published()
        .options(joinedload(Article.category).joinedload(Category.parent))
        .where(Article.slug == slug, Article.language == language)
    )


@dataclass(frozen=True)
class ArticleRef:
    """What the article page needs to know before it decides whether to render at all."""

    id: int
    language: str
    slug: str
    published_revision_id: int
    published_at: datetime


# Built once: the article page asks on every request, and building costs more than running.
_REF = select(
    Article.id, Article.language, Article.slug, Article.published_revision_id, Article.published_at
).where(
    Article.status == Status.PUBLISHED,
    Article.slug == bindparam("slug"),
    Article.language == bindparam("language"),
)
_NEWEST_CHANGE = (
    select(ArticleChange.id, ArticleChange.changed_at).order_by(ArticleChange.id.desc()).limit(1)
)


def published_ref(language: str, slug: str) -> ArticleRef | None:
    """A published article's reference, without its text (which a cached page does not need)."""
    row = db.session.execute(_REF, {"slug": slug, "language": language}).first()
    return ArticleRef(*row) if row else None


def published_by_slug(slug: str) -> Article | None:
    return db.session.scalar(_published().where(Article.slug == slug))


def top_categories(language: str) -> tuple[CategoryCount, ...]:
    """Top-level categories with the number of published articles in them and their sections;
    kept per process until an article changes (home and every search page show them)."""
    key = (language, last_change()[0])
    store = kept("top_categories", len(SUPPORTED_LANGUAGES) * 2)
    found = store.get(key)
    if found is None:
        found = _count_top_categories(language)
        store.put(key, found)
    return found


def _count_top_categories(language: str) -> tuple[CategoryCount, ...]:
    section = db.aliased(Category)
    owner = func.coalesce(section.parent_id, section.id)
    counts = dict(
        db.session.execute(
            select(owner, func.count(Article.id))
            .join(Article, Article.category_id == section.id)
            .where(Article.status == Status.PUBLISHED, section.language == language)
            .group_by(owner)
        ).all()
    )
    categories = db.session.scalars(
        select(Category)
        .where(Category.language == language, Category.parent_id.is_(None))
        .order_by(Category.position, Category.name)
    )
    return tuple(
        CategoryCount(c.name, c.path, counts[c.id]) for c in categories if counts.get(c.id)
    )


def category_by_path(language: str, path: str) -> Category | None:
    return db.session.scalar(
        select(Category).where(Category.language == language, Category.path == path)
    )


def _filed_in(categories: list[Category]) -> list[Article]:
    return list(
        db.session.scalars(
            _published()
            .where(Article.category_id.in_([category.id for category in categories]))
            .join(ArticleRevision, ArticleRevision.id == Article.published_revision_id)
            .order_by(ArticleRevision.title, Article.id)
        )
    )


def articles_in(category: Category) -> list[Article]:
    """Published articles filed directly in ``category``, by title."""
    return _filed_in([category])


def sections_with_articles(category: Category) -> list[tuple[Category, list[Article]]]:
    """The category's sections with their published articles; empty sections are left out.

    One query for all sections, so a category with many sections costs no more than one.
    """
    sections = [category, *category.children]
    filed: dict[int, list[Article]] = {section.id: [] for section in sections}
    for article in _filed_in(sections):
        filed[article.category_id].append(article)
    return [(section, filed[section.id]) for section in sections if filed[section.id]]


def latest(language: str, count: int = LATEST_COUNT) -> list[Article]:
    return list(
        db.session.scalars(
            _published()
            .where(Article.language == language)
            .order_by(Article.published_at.desc(), Article.id.desc())
            .limit(count)
        )
    )


def related(article: Article, count: int = RELATED_COUNT) -> list[Article]:
    """Published articles sharing the most tags, then the same section, newest first."""
    tag_ids = [tag.id for tag in article.tags]
    shared = (
        select(func.count())
        .select_from(article_tag)
        .where(article_tag.c.article_id == Article.id, article_tag.c.tag_id.in_(tag_ids))
        .scalar_subquery()
    )
    same_section = Article.category_id == article.category_id
    return list(
        db.session.scalars(
            _published()
            .where(
                Article.language == article.language,
                Article.id != article.id,
                or_(same_section, Article.tags.any(Tag.id.in_(tag_ids))),
            )
            .order_by(shared.desc(), same_section.desc(), Article.published_at.desc())
            .limit(count)
        )
    )


def translations(article: Article) -> list[Article]:
    """Published versions of the article in other languages."""
    if not article.translation_group:
        return []
    return list(
        db.session.scalars(
            _published().where(
                Article.translation_group == article.translation_group, Article.id != article.id
            )
        )
    )


def plain_search(language: str, query: str, limit: int = 20) -> list[Article]:
    """Match every word in title, summary or text: the database's answer without a search index."""
    words = [word for word in query.split() if word][:8]
    statement = (
        _published()
        # Each hit names its top-level category: load the parents with the articles.
        .options(joinedload(Article.category).joinedload(Category.parent))
        .where(Article.language == language)
        .join(ArticleRevision, ArticleRevision.id == Article.published_revision_id)
    )
    for word in words:
        statement = statement.where(
            or_(
                *(
                    column.icontains(word, autoescape=True)
                    for column in (
                        ArticleRevision.title,
                        ArticleRevision.summary,
                        ArticleRevision.body,
                    )
                )
            )
        )
    return list(db.session.scalars(statement.order_by(ArticleRevision.title).limit(limit)))


def popular(language: str, count: int = LATEST_COUNT) -> list[Article]:
    """The articles searches led to most in the last months; the newest when there are none."""
    since = utcnow() - timedelta(days=POPULAR_DAYS)
    clicks = (
        select(SearchQuery.clicked_slug, func.count().label("clicks"))
        .where(SearchQuery.clicked_slug.is_not(None), SearchQuery.created_at >= since)
        .group_by(SearchQuery.clicked_slug)
        .subquery()
    )
    found = list(
        db.session.scalars(
            _published()
            .join(clicks, clicks.c.clicked_slug == Article.slug)
            .where(Article.language == language)
            .order_by(clicks.c.clicks.desc(), Article.slug)
            .limit(count)
        )
    )
    return found or latest(language, count)


def frequently_helpful(
    language: str, category: Category | None = None, count: int = HELPFUL_COUNT
) -> list[Article]:
    """Published articles scoring above neutral, best first, in a language or a category."""
    score = ranking.score_column()
    statement = (
        _published()
        .join(ArticleScore, ArticleScore.article_id == Article.id)
        .where(Article.language == language, score > ranking.scoring().prior)
        .order_by(score.desc(), Article.published_at.desc())
        .limit(count)
    )
    if category is not None:
        section = db.aliased(Category)
        statement = statement.join(section, section.id == Article.category_id).where(
            or_(section.id == category.id, section.parent_id == category.id)
        )
    return list(db.session.scalars(statement))


def last_change() -> tuple[int, datetime | None]:
    """The newest entry of the article change log (0 and None before the first)."""
    row = db.session.execute(_NEWEST_CHANGE).first()
    return (row.id, row.changed_at) if row else (0, None)
