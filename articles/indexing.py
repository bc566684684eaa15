"""Keeps the search index in step with the knowledge base, and opens it for the portal.

Every node (machine) keeps its own index on local disk. Every commit that touches an article
writes a row to the ``article_change`` log and updates this process's index before the request
ends, so a staff save is searchable on the next request. Serving processes also follow the log
(:class:`ChangeFollower`), so a change saved on another node reaches this node's index within
seconds, and a node without an index builds one when it starts. A missing or damaged index is
rebuilt in a thread while searches are answered from the database. Changes older than a week are
pruned from the log; a node that was away longer rebuilds its index instead.
"""

import fcntl
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import delete, event, func, insert, inspect, or_, select
from sqlalchemy.orm import Session, joinedload

from articles.models import Article, ArticleChange, Category, Status
from articles.plaintext import sections
from portal.extensions import db
from portal.models import utcnow
from search.documents import Document
from search.index import IndexUnavailable, SearchIndex

log = logging.getLogger(__name__)
EXTENSION = "portal.search_index"
PENDING = "search_pending"
# A change committed this long after it was logged is still picked up: ids are handed out when a
# transaction writes, not when it commits, so a lower id can become visible after a higher one.
LOOK_BACK = timedelta(seconds=60)
CHANGES_KEPT = timedelta(days=7)
PRUNE_EVERY_SECONDS = 3600.0
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
            joinedload(Article.category).joinedload(Category.parent),
        )
    )
    if ids is not None:
        statement = statement.where(Article.id.in_(list(ids)))
    yield from session.scalars(statement).unique()


def rebuild(app: Flask | None = None) -> int:
    """Rebuild the index from the database; return how many articles it holds."""
    app = app or current_app
    with Session(db.engines[None]) as session:
        # Read before the articles: changes logged meanwhile are replayed, none is skipped.
        position = session.scalar(select(func.max(ArticleChange.id))) or 0
        documents = [document_for(article) for article in _published(session)]
    index = search_index(app)
    index.rebuild(documents)
    index.set_position(position)
    return len(documents)


def sync(changes: Iterable[tuple[int, str]], app: Flask | None = None) -> None:
    """Bring these articles up to date in the index; ``changes`` pairs each article's id with
    every slug it had, so an article that was renamed or unpublished leaves no stale entry."""
    index = search_index(app)
    if not index.exists():
        return
    changes = list(changes)
    with Session(db.engines[None]) as session:
        documents = [document_for(a) for a in _published(session, {i for i, _ in changes})]
    live = {document.slug for document in documents}
    index.update(documents, deleted={slug for _, slug in changes} - live)


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


class ChangeFollower:
    """Applies the change log to this node's index: one follower per index folder leads (a file
    lock decides, and passes the lead on when its process ends); the others wait their turn."""

    def __init__(self, app: Flask, interval: float):
        self.app = app
        self.interval = interval
        self.applied: dict[int, float] = {}  # change id -> when applied, within LOOK_BACK
        self.pruned_at: float | None = None
        self._lock_file = None

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, name="search-follower", daemon=True)
        thread.start()
        return thread

    def _run(self) -> None:
        while True:
            try:
                if self.leading():
                    with self.app.app_context():
                        self.catch_up()
            except Exception:
                log.exception("following the article change log failed")
            time.sleep(self.interval)

    def leading(self) -> bool:
        """Take the lead of this index folder if nobody has it; True while this follower has."""
        if self._lock_file is None:
            folder = search_index(self.app).folder
            folder.mkdir(parents=True, exist_ok=True)
            handle = open(folder / "follower.lock", "w")  # noqa: SIM115 - held while the process lives
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                return False
            self._lock_file = handle
        return True

    def release(self) -> None:
        """Give up the lead, as the end of the process would."""
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def catch_up(self) -> int:
        """Build a missing (or rebuild a damaged) index, or apply the changes logged since the
        last call; return how many changes were applied."""
        index = search_index(self.app)
        if not index.exists():
            log.info("no search index yet: built with %d articles", rebuild(self.app))
            return 0
        position = index.position()
        since = utcnow() - LOOK_BACK
        with Session(db.engines[None]) as session:
            self._prune_when_due(session)
            oldest = session.scalar(select(func.min(ArticleChange.id)))
            rows = session.execute(
                select(ArticleChange.id, ArticleChange.article_id, ArticleChange.slug).where(
                    or_(ArticleChange.id > position, ArticleChange.changed_at >= since)
                )
            ).all()
        if oldest is not None and position < oldest - 1:
            log.info("changes since this index were pruned: rebuilt with %d", rebuild(self.app))
            return 0
        fresh = [row for row in rows if row.id not in self.applied]
        if fresh:
            try:
                sync(((row.article_id, row.slug) for row in fresh), self.app)
            except IndexUnavailable:
                log.warning("search index unreadable: rebuilt with %d articles", rebuild(self.app))
                return 0
            index.set_position(max(position, *(row.id for row in fresh)))
        now = time.monotonic()
        self.applied.update((row.id, now) for row in fresh)
        horizon = now - LOOK_BACK.total_seconds() * 2
        self.applied = {key: at for key, at in self.applied.items() if at > horizon}
        return len(fresh)

    def _prune_when_due(self, session: Session) -> None:
        """Drop changes older than CHANGES_KEPT, once an hour, but never the newest: pages and
        caches read it as the log's head."""
        now = time.monotonic()
        if self.pruned_at is not None and now - self.pruned_at < PRUNE_EVERY_SECONDS:
            return
        newest = select(func.max(ArticleChange.id)).scalar_subquery()
        session.execute(
            delete(ArticleChange).where(
                ArticleChange.changed_at < utcnow() - CHANGES_KEPT, ArticleChange.id < newest
            )
        )
        session.commit()
        self.pruned_at = now


def follow_changes(app: Flask) -> ChangeFollower | None:
    """Start following the change log in this serving process, unless switched off."""
    interval = app.config["SEARCH_SYNC_SECONDS"]
    if interval <= 0:
        return None
    follower = ChangeFollower(app, interval)
    follower.start()
    return follower


def _slugs_of(article: Article) -> set[str]:
    """The article's slug now and, when this flush renamed it, before."""
    history = inspect(article).attrs.slug.history
    return {article.slug, *(slug for slug in history.deleted if slug)}


def _collect(session, flush_context) -> None:
    pending = session.info.setdefault(PENDING, set())
    changes = {
        (item.id, slug)
        for item in (*session.new, *session.dirty, *session.deleted)
        if isinstance(item, Article)
        and item.id is not None
        and (item not in session.dirty or session.is_modified(item))
        for slug in _slugs_of(item)
    }
    if changes:
        pending.update(changes)
        session.connection().execute(
            insert(ArticleChange), [{"article_id": i, "slug": slug} for i, slug in changes]
        )


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
