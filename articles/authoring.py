"""What editors do to articles: create, save revisions, publish, unpublish, archive, restore."""

import difflib
import uuid
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from articles.models import (
    BODY_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    Article,
    ArticleRevision,
    Category,
    Status,
    Tag,
)
from articles.rendering import (
    MAX_BLOCKS,
    MAX_LINES,
    MAX_NESTING,
    Rendered,
    markup_problem,
    render_markdown,
)
from articles.slugs import slugify
from portal.config import SUPPORTED_LANGUAGES
from portal.extensions import db
from portal.models import User, utcnow

CATEGORY_NAME_MAX = 80
TAG_MAX = 60
TAGS_PER_ARTICLE = 20
MARKUP_MESSAGES = {
    "lines": _l("At most %(max)s lines.", max=MAX_LINES),
    "blocks": _l("At most %(max)s paragraphs.", max=MAX_BLOCKS),
    "nesting": _l("Lists and quotes may be nested at most %(max)s levels deep.", max=MAX_NESTING),
    "brackets": _l(
        "Too many square brackets in one paragraph: split the paragraph, or write brackets that"
        " are not links as \\[."
    ),
    "markers": _l(
        "Too many formatting marks (* _ ` \\ & <) in one paragraph: split the paragraph."
    ),
    "tags": _l("Too many HTML tags for a text of this length: use Markdown instead of HTML."),
}


class ContentError(ValueError):
    """Article content that cannot be saved; ``field`` names the culprit."""

    def __init__(self, field_name: str, message):
        super().__init__(field_name)
        self.field = field_name
        self.message = str(message)


@dataclass
class Content:
    """Everything an editor writes, as plain values (forms and imports both produce this)."""

    title: str
    body: str
    language: str
    category: str
    summary: str = ""
    tags: list[str] = field(default_factory=list)

    def normalised(self) -> "Content":
        """Return a checked copy with tidy values, or raise ContentError."""
        title = " ".join(self.title.split())
        summary = " ".join(self.summary.split())
        body = self.body.replace("\r\n", "\n").replace("\r", "\n").rstrip().lstrip("\n")
        if not title:
            raise ContentError("title", _l("A title is required."))
        if len(title) > TITLE_MAX:
            raise ContentError("title", _l("At most %(max)s characters.", max=TITLE_MAX))
        if len(summary) > SUMMARY_MAX:
            raise ContentError("summary", _l("At most %(max)s characters.", max=SUMMARY_MAX))
        if len(body) > BODY_MAX:
            raise ContentError("body", _l("At most %(max)s characters.", max=BODY_MAX))
        problem = markup_problem(body)
        if problem:
            raise ContentError("body", MARKUP_MESSAGES[problem])
        if self.language not in SUPPORTED_LANGUAGES:
            raise ContentError("language", _l("Unknown language."))
        return Content(
            title=title,
            body=body,
            language=self.language,
            category="/".join(category_parts(self.category)),
            summary=summary,
            tags=normalise_tags(self.tags),
        )


def checked_rendering(body: str) -> Rendered:
    """Render a body that may be saved, or raise ContentError: its images must come from the
    portal's image library."""
    rendered = render_markdown(body)
    if rendered.foreign_images:
        raise ContentError(
            "body",
            _l(
                "Images must come from the image library; upload this one there: %(src)s",
                src=rendered.foreign_images[0],
            ),
        )
    return rendered


def category_parts(path: str) -> list[str]:
    """Split "Category/Section" into its names; one or two levels."""
    parts = [" ".join(part.split()) for part in (path or "").split("/")]
    if not 1 <= len(parts) <= 2 or not all(parts):
        raise ContentError("category", _l('Give the category as "Category" or "Category/Section".'))
    if any(len(part) > CATEGORY_NAME_MAX for part in parts):
        raise ContentError(
            "category",
            _l("Category names may have at most %(max)s characters.", max=CATEGORY_NAME_MAX),
        )
    if any(not slugify(part) for part in parts):
        raise ContentError("category", _l("Category names need letters or digits."))
    return parts


def normalise_tags(tags: list[str]) -> list[str]:
    """Lower-case, trimmed, unique and sorted, so that equal tag sets compare equal."""
    names = {" ".join(str(tag).split()).lower()[:TAG_MAX] for tag in tags} - {""}
    if len(names) > TAGS_PER_ARTICLE:
        raise ContentError("tags", _l("At most %(max)s tags per article.", max=TAGS_PER_ARTICLE))
    return sorted(names)


def ensure_category(language: str, path: str) -> Category:
    """Return the category or section for ``path`` in ``language``, creating what is missing."""
    parent = None
    for name in category_parts(path):
        slug_path = f"{parent.path}/{slugify(name)}" if parent else slugify(name)
        category = db.session.scalar(
            select(Category).where(Category.language == language, Category.path == slug_path)
        )
        if category is None:
            category = Category(language=language, name=name, path=slug_path, parent=parent)
            db.session.add(category)
            db.session.flush()
        parent = category
    return parent


def _tags(names: list[str]) -> list[Tag]:
    existing = {tag.name: tag for tag in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    return [existing.get(name) or Tag(name=name) for name in names]


def unique_slug(wanted: str, article_id: int | None = None) -> str:
    """Return ``wanted`` as a slug, numbered when another article holds it already."""
    base = slugify(wanted) or "artikel"
    candidate, number = base, 2
    while True:
        holder = db.session.scalar(select(Article.id).where(Article.slug == candidate))
        if holder is None or holder == article_id:
            return candidate
        candidate, number = f"{base}-{number}", number + 1


def _snapshot(article: Article) -> tuple:
    latest = article.latest
    if latest is None:
        return ()
    return (latest.title, latest.summary, latest.body, latest.category_path, latest.tags)


def create_article(
    content: Content, author: User | None, slug: str | None = None, message: str = ""
) -> Article:
    """Create a draft article with its first revision; the caller commits."""
    content = content.normalised()
    article = Article(
        slug=unique_slug(slug or content.title),
        language=content.language,
        category=ensure_category(content.language, content.category),
        author=author,
        status=Status.DRAFT,
    )
    db.session.add(article)
    save(article, content, author, message or "Created")
    return article


def save(
    article: Article, content: Content, author: User | None, message: str = ""
) -> ArticleRevision | None:
    """Save the editor's text as a new revision; None when nothing changed. The caller commits."""
    content = content.normalised()
    rendered = checked_rendering(content.body)
    if article.language != content.language:
        article.language = content.language
    article.category = ensure_category(content.language, content.category)
    article.tags = _tags(content.tags)
    new = (content.title, content.summary, content.body, content.category, content.tags)
    if new == _snapshot(article):
        return None
    number = (
        db.session.scalar(
            select(func.max(ArticleRevision.number)).where(ArticleRevision.article_id == article.id)
        )
        if article.id
        else None
    )
    revision = ArticleRevision(
        article=article,
        number=(number or 0) + 1,
        title=content.title,
        summary=content.summary,
        body=content.body,
        html=rendered.html,
        toc=rendered.toc,
        category_path=content.category,
        tags=content.tags,
        message=message.strip()[:200],
        author=author,
    )
    db.session.add(revision)
    article.latest = revision
    article.updated_at = revision.created_at = utcnow()
    return revision


def publish(article: Article) -> None:
    """Show the latest revision to customers."""
    if article.published is not article.latest or article.status is not Status.PUBLISHED:
        article.published = article.latest
        article.published_at = utcnow()
    article.status = Status.PUBLISHED


def unpublish(article: Article) -> None:
    """Take the article away from customers and keep it as a draft."""
    article.status = Status.DRAFT
    article.published = None


def archive(article: Article) -> None:
    """Retire the article: customers no longer see it, editors still find it."""
    article.status = Status.ARCHIVED
    article.published = None


def restore(article: Article, number: int, author: User | None) -> ArticleRevision | None:
    """Make an old revision the latest again, as a new revision; publishing is a separate step."""
    old = revision(article, number)
    content = Content(
        title=old.title,
        body=old.body,
        language=article.language,
        category=old.category_path or article.category.full_name,
        summary=old.summary,
        tags=list(old.tags or []),
    )
    return save(article, content, author, f"Restored revision {number}")


def revision(article: Article, number: int) -> ArticleRevision:
    found = db.session.scalar(
        select(ArticleRevision).where(
            ArticleRevision.article_id == article.id, ArticleRevision.number == number
        )
    )
    if found is None:
        raise LookupError(f"Article {article.slug} has no revision {number}.")
    return found


def _revision_lines(rev: ArticleRevision) -> list[str]:
    header = [
        f"# {rev.title}",
        f"> {rev.summary}",
        f"Category: {rev.category_path}",
        f"Tags: {', '.join(rev.tags or [])}",
        "",
    ]
    return header + rev.body.split("\n")


def diff(old: ArticleRevision, new: ArticleRevision) -> list[tuple[str, str]]:
    """Return the changed lines between two revisions as (kind, text), kind one of ' +-@'."""
    lines = difflib.unified_diff(_revision_lines(old), _revision_lines(new), lineterm="", n=3)
    result = []
    for line in list(lines)[2:]:
        kind = line[:1] if line[:1] in "+-@" else " "
        result.append((kind, line if kind == "@" else line[1:]))
    return result


def link_translations(first: Article, second: Article) -> None:
    """Mark two articles as translations of each other."""
    group = first.translation_group or second.translation_group or str(uuid.uuid4())
    first.translation_group = second.translation_group = group


def content_of(article: Article) -> Content:
    """The editor's current text of an article, ready for a form."""
    latest = article.latest
    return Content(
        title=latest.title,
        body=latest.body,
        language=article.language,
        category=article.category.full_name,
        summary=latest.summary,
        tags=list(latest.tags),
    )
