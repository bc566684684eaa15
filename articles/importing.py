"""Import and export of articles as Markdown files with YAML front matter (docs-as-code)."""

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from articles import authoring
from articles.models import BODY_MAX, Article, Status
from articles.slugs import slugify
from portal.extensions import db

DEMO_FOLDER = Path(__file__).resolve().parent / "demo"
FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(?P<meta>.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
IMPORT_MESSAGE = "Imported"
FRONT_MATTER_MAX = 20_000
FILE_MAX_BYTES = 4 * BODY_MAX + FRONT_MATTER_MAX  # UTF-8 takes at most four bytes a character


class FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML without aliases: front matter needs none, and a few lines of aliases can
    expand to gigabytes."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases (*name) are not allowed")
        return super().compose_node(parent, index)


class ImportFileError(ValueError):
    """A file that cannot be imported; the message says why."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.failed)} failed"
        )


@dataclass
class ArticleFile:
    """One parsed file: the article's content and the metadata that is not content."""

    content: authoring.Content
    slug: str | None
    status: Status
    translation: str | None


def parse(text: str) -> ArticleFile:
    """Parse one article file; raise ImportFileError with a reason a person can act on."""
    text = text.replace("\r\n", "\n")
    match = FRONT_MATTER.match(text)
    if not match:
        raise ImportFileError("no YAML front matter (the file must start with a line '---')")
    if len(match.group("meta") or "") > FRONT_MATTER_MAX:
        raise ImportFileError(f"the front matter is longer than {FRONT_MATTER_MAX:,} characters")
    try:
        meta = yaml.load(match.group("meta") or "", Loader=FrontMatterLoader) or {}  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        raise ImportFileError(f"invalid YAML front matter: {error}") from None
    except RecursionError:
        raise ImportFileError("invalid YAML front matter: nested too deeply") from None
    if not isinstance(meta, dict):
        raise ImportFileError("the front matter must be a mapping of keys to values")
    for key in ("title", "category"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise ImportFileError(f"'{key}' is missing or not text")
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = tags.split(",")
    if not isinstance(tags, list):
        raise ImportFileError("'tags' must be a list")
    try:
        status = Status(meta.get("status") or Status.DRAFT)
    except ValueError:
        raise ImportFileError(
            f"unknown status {meta.get('status')!r} (use draft, published or archived)"
        ) from None
    content = authoring.Content(
        title=meta["title"],
        body=text[match.end() :],
        language=str(meta.get("language") or "de"),
        category=meta["category"],
        summary=str(meta.get("summary") or ""),
        tags=[str(tag) for tag in tags],
    )
    try:
        content = content.normalised()
    except authoring.ContentError as error:
        raise ImportFileError(f"'{error.field}': {error.message}") from None
    slug = str(meta["slug"]) if meta.get("slug") else None
    if slug is not None and slug != slugify(slug):
        raise ImportFileError(
            f"'slug' {slug!r} may hold only lowercase letters, digits and hyphens"
        )
    return ArticleFile(
        content=content,
        slug=slug,
        status=status,
        translation=str(meta["translation"]) if meta.get("translation") else None,
    )


def _apply_status(article: Article, status: Status) -> None:
    if status is Status.PUBLISHED:
        authoring.publish(article)
    elif status is Status.ARCHIVED:
        authoring.archive(article)
    else:
        authoring.unpublish(article)


def _slug_for(parsed: ArticleFile, claimed: set[str]) -> str:
    """The slug of a file: its own, else that of the article with its title and language that
    this import has not matched yet, so that importing a folder twice changes nothing."""
    if parsed.slug:
        return parsed.slug
    base = slugify(parsed.content.title) or "artikel"
    for number in itertools.count(1):
        candidate = base if number == 1 else f"{base}-{number}"
        if candidate in claimed:
            continue
        holder = db.session.scalar(select(Article).where(Article.slug == candidate))
        if holder is None or (
            holder.language == parsed.content.language
            and holder.latest is not None
            and holder.latest.title == parsed.content.title
        ):
            return candidate


def _read(path: Path, root: Path) -> str:
    """The text of one file below ``root``; raise ImportFileError for what must not be read."""
    if not path.resolve().is_relative_to(root):
        raise ImportFileError("a link to a file outside the folder; not read")
    if path.stat().st_size > FILE_MAX_BYTES:
        raise ImportFileError(f"larger than {FILE_MAX_BYTES:,} bytes")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ImportFileError("not UTF-8 text") from None


def _import_one(parsed: ArticleFile, slug: str) -> tuple[str, Article]:
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        article = authoring.create_article(parsed.content, None, slug=slug, message=IMPORT_MESSAGE)
        _apply_status(article, parsed.status)
        return "created", article
    before = (article.status, article.published_revision_id, article.category_id)
    changed = authoring.save(article, parsed.content, None, IMPORT_MESSAGE) is not None
    _apply_status(article, parsed.status)
    db.session.flush()
    changed = changed or before != (
        article.status,
        article.published_revision_id,
        article.category_id,
    )
    return ("updated" if changed else "unchanged"), article


def import_directory(folder: Path) -> ImportReport:
    """Import every ``*.md`` below ``folder``; a bad file is reported and the rest goes on."""
    report = ImportReport()
    root = Path(folder).resolve()
    translations: list[tuple[str, str, str]] = []
    claimed: set[str] = set()
    for path in sorted(Path(folder).rglob("*.md")):
        name = str(path.relative_to(folder))
        try:
            parsed = parse(_read(path, root))
            slug = _slug_for(parsed, claimed)
            outcome, article = _import_one(parsed, slug)
            db.session.commit()
        except authoring.ContentError as error:
            db.session.rollback()
            report.failed.append((name, f"'{error.field}': {error.message}"))
            continue
        except (ImportFileError, SQLAlchemyError, OSError) as error:
            db.session.rollback()
            report.failed.append((name, str(error).splitlines()[0]))
            continue
        claimed.add(slug)
        setattr(report, outcome, getattr(report, outcome) + 1)
        if parsed.translation:
            translations.append((name, article.slug, parsed.translation))
    for name, slug, other_slug in translations:
        article, other = (
            db.session.scalar(select(Article).where(Article.slug == s)) for s in (slug, other_slug)
        )
        if other is None:
            report.failed.append((name, f"translation {other_slug!r} not found; link skipped"))
        else:
            authoring.link_translations(article, other)
    db.session.commit()
    return report


def _translation_slug(article: Article) -> str | None:
    if not article.translation_group:
        return None
    return db.session.scalar(
        select(Article.slug)
        .where(Article.translation_group == article.translation_group, Article.id != article.id)
        .order_by(Article.id)
        .limit(1)
    )


def dump(article: Article) -> str:
    """Write an article's latest revision in the import format."""
    content = authoring.content_of(article)
    meta = {
        "title": content.title,
        "slug": article.slug,
        "language": article.language,
        "category": content.category,
        "tags": content.tags,
        "summary": content.summary,
        "status": article.status.value,
    }
    translation = _translation_slug(article)
    if translation:
        meta["translation"] = translation
    header = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{header}---\n{content.body}\n"


def export_directory(folder: Path) -> int:
    """Write every article to ``folder/<language>/<slug>.md``; return how many."""
    count = 0
    for article in db.session.scalars(select(Article).order_by(Article.slug)):
        target = Path(folder) / article.language / f"{article.slug}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dump(article), encoding="utf-8")
        count += 1
    return count


def import_demo_articles() -> ImportReport:
    return import_directory(DEMO_FOLDER)


def has_articles() -> bool:
    return db.session.scalar(select(Article.id).limit(1)) is not None
