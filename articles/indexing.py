"""Keeps the search index in step with the knowledge base, and opens it for the portal.

Every commit that touches an article updates the index before the request ends, so a staff
save is searchable on the next request. A missing or damaged index is rebuilt in a thread
while searches are answered from the database.
"""

import logging
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session, joinedload, selectinload

from articles.models import Article, Status
from articles.plaintext import sections
from portal.extensions import db
from search.documents import Document
from search.index import IndexUnavailable, SearchIndex

log = logging.getLogger(__name__)
EXTENSION = "portal.search_index"
PENDING = "search_pending"
_rebuilding: set[Path] = set()
_rebuild_lock = threading.Lock()


def search_index(app: Flask | None = None) -> SearchIndex:
    """The app's index: one per process, under ``<instance>/search``."""
    app = app or current_app
    if EXTENSION not in app.extensions:
        app.extensions[EXTENSION] = SearchIndex(Path(app.instance_path) / "search")
    return app.extensions[EXTENSION]


def document_for(article: Article) -> Document:
    """What the index needs to know of a published article."""
    revision = article.published
    top = article.category.parent or article.category
    return Document(
        slug=article.slug,
        language=article.language,
        title=revision.title,
        category=top.path,
        category_name=top.name,
        summary=revision.summary,
        tags=tuple(revision.tags or ()),
        sections=sections(revision.html),
    )


def _published(session: Session, ids: Iterable[int] | None = None) -> Iterator[Article]:
    statement = (
        select(Article)
        .where(Article.status == Status.PUBLISHED)
        .options(
            joinedload(Article.published),
            joinedload(Article.category),
            selectinload(Article.tags),
        )
    )
    if ids is not None:
        statement = statement.where(Article.id.in_(list(ids)))
    yield from session.scalars(statement).unique()


def rebuild(app: Flask | None = None) -> int:
    """Rebuild the index from the database; return how many articles it holds."""
    app = app or current_app
    with Session(db.engines[None]) as session:
        documents = [document_for(article) for article in _published(session)]
    search_index(app).rebuild(documents)
    return len(documents)


def sync(changed: dict[int, str], app: Flask | None = None) -> None:
    """Bring these articles (id -> slug before the change) up to date in the index."""
    index = search_index(app)
    if not index.exists():
        return
    with Session(db.engines[None]) as session:
        documents = [document_for(article) for article in _published(session, changed)]
    live = {document.slug for document in documents}
    index.update(documents, deleted=set(changed.values()) - live)


def rebuilding(app: Flask | None = None) -> bool:
    """Whether this process is rebuilding the index (searches then skip it)."""
    with _rebuild_lock:
        return search_index(app).folder in _rebuilding


def rebuild_in_background(app: Flask) -> bool:
    """Start rebuilding a missing or damaged index unless that is under way; True if started."""
    folder = search_index(app).folder
    with _rebuild_lock:
        if folder in _rebuilding:
            return False
        _rebuilding.add(folder)

    def work():
        try:
            with app.app_context():
                count = rebuild(app)
            log.info("search index rebuilt with %d articles", count)
        except Exception:
            log.exception("rebuilding the search index failed")
        finally:
            with _rebuild_lock:
                _rebuilding.discard(folder)

    threading.Thread(target=work, name="search-rebuild", daemon=True).start()
    return True


def _collect(session, flush_context) -> None:
    pending = session.info.setdefault(PENDING, {})
    for item in (*session.new, *session.dirty, *session.deleted):
        if isinstance(item, Article) and item.id is not None:
            pending.setdefault(item.id, item.slug)


def _after_commit(session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    try:
        sync(pending)
    except IndexUnavailable:
        rebuild_in_background(current_app._get_current_object())
    except Exception:
        log.exception("updating the search index failed for articles %s", sorted(pending))


def _after_rollback(session) -> None:
    session.info.pop(PENDING, None)


def init_app(app: Flask) -> None:
    if not event.contains(db.session, "after_flush", _collect):
        event.listen(db.session, "after_flush", _collect)
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_rollback", _after_rollback)
