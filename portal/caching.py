"""Pages that differ per visitor, answered without rendering them again and again.

Such a page cannot be shared by caches, but the visitor's own browser may keep it and ask again
with ``If-None-Match``: the ETag is a hash of everything the page shows (the caller's parts, plus
the release, the language, the signed-in account and the session's CSRF token), so when none of
it changed the answer is an empty 304 and the page is not rendered at all.

Anonymous visitors with nothing of their own on a page see the same page but for their CSRF
token: :func:`shared_page` renders it once per process and content, and swaps the token.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import datetime
from pathlib import Path

from flask import Flask, Response, current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.http import is_resource_modified

from portal import clock

RELEASE = "portal.release"
KEPT = "portal.kept"
KEPT_A_WHILE = "portal.kept_a_while"
SHARED_PAGES_KEPT = 500  # per process: some 10 MB of HTML
_stores_lock = threading.Lock()
# What every page shows from the configuration (the footer's contact details).
SHOWN_SETTINGS = ("COMPANY_PHONE", "COMPANY_EMAIL")


def release(app: Flask) -> str:
    """A fingerprint of what renders pages (code, templates, catalogs, static files, shown
    settings): a deploy or a changed setting changes every ETag, a restart does not."""
    if RELEASE not in app.extensions:
        digest = hashlib.sha256()
        root = Path(__file__).resolve().parent.parent
        for folder in ("portal", "articles", "booking", "search", "templates"):
            for path in sorted((root / folder).rglob("*")):
                if path.is_file() and path.suffix in {".py", ".html", ".txt", ".mo", ".css", ".js"}:
                    digest.update(str(path.relative_to(root)).encode())
                    digest.update(path.read_bytes())
        for name in SHOWN_SETTINGS:
            digest.update(str(app.config[name]).encode())
        app.extensions[RELEASE] = digest.hexdigest()[:16]
    return app.extensions[RELEASE]


def page_etag(parts: Iterable[object]) -> str:
    """The ETag of a page showing ``parts`` to this visitor."""
    digest = hashlib.sha256(release(current_app).encode())
    generate_csrf()  # the page will carry the session's token: make sure there is one now
    token = session[current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")]
    visitor = (str(get_locale()), current_user.get_id() or "", token)
    for part in (*visitor, *parts):
        digest.update(b"\0" + str(part).encode())
    return digest.hexdigest()[:32]


class Kept:
    """Values a process keeps under keys that name everything they depend on, the most recently
    used ``size`` of them; safe for threads."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def put(self, key: Hashable, value) -> None:
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)


def kept(name: str, size: int) -> Kept:
    """This app's store ``name``, made on first use."""
    stores = current_app.extensions.setdefault(KEPT, {})
    if name not in stores:
        with _stores_lock:
            stores.setdefault(name, Kept(size))
    return stores[name]


def for_a_while(name: str, seconds: float, compute: Callable[[], object]) -> tuple[object, float]:
    """What ``compute()`` gave at most ``seconds`` ago in this process, and until when that
    stands (which names the value, for keys of other caches). Other processes' writes show once
    it runs out; a process's own writes call :func:`forget` to show at once."""
    stored = current_app.extensions.setdefault(KEPT_A_WHILE, {})
    value, until = stored.get(name, (None, 0.0))
    if until <= clock.monotonic():
        value, until = compute(), clock.monotonic() + seconds
        stored[name] = (value, until)
    return value, until


def forget(name: str) -> None:
    current_app.extensions.get(KEPT_A_WHILE, {}).pop(name, None)


def shared_page(
    key: Hashable, render: Callable[[], str], own: Mapping[str, str] | None = None
) -> str:
    """The page ``render()`` makes for anonymous visitors, made once per ``key`` (which must
    name everything the page shows) and handed to each visitor with their own CSRF token and
    ``own`` values: ``render`` writes each key of ``own`` where the visitor's value goes."""
    pages = kept("shared_pages", SHARED_PAGES_KEPT)
    key = (key, str(get_locale()), request.host)  # its absolute links name the host
    page = pages.get(key)
    if page is None:
        page = (render(), generate_csrf())
        pages.put(key, page)
    html, token = page
    for marker, value in {token: generate_csrf(), **(own or {})}.items():
        html = html.replace(marker, value)
    return html


def anonymous_without_news() -> bool:
    """Whether the page shows this visitor nothing of their own: not signed in, no message."""
    return not current_user.is_authenticated and not session.get("_flashes")


def _unchanged(etag: str, last_modified: datetime | None) -> str | None:
    """The ETag the visitor's copy has when it is still current, else None."""
    if session.get("_flashes"):  # a message waits to be shown: the page must be rendered
        return None
    wanted = request.if_none_match
    if wanted:
        return next((tag for tag in (etag, *suffixed(etag)) if wanted.contains(tag)), None)
    if last_modified is not None and not is_resource_modified(
        request.environ, last_modified=last_modified
    ):
        return etag
    return None


def suffixed(etag: str) -> list[str]:
    """The ETags Flask-Compress gives compressed copies of a page: ``"<etag>:<algorithm>"``."""
    return [f"{etag}:{name}" for name in current_app.config["COMPRESS_ALGORITHM"]]


def conditional_page(
    parts: Iterable[object], last_modified: datetime | None, render: Callable[[], str]
) -> Response:
    """Answer 304 when the visitor's copy shows ``parts`` still; else ``render()`` the page."""
    etag = page_etag(parts)
    current = _unchanged(etag, last_modified)
    if current:
        response = make_response("", 304)
        response.set_etag(current)  # as the visitor's (perhaps compressed) copy has it
    else:
        response = make_response(render())
        response.set_etag(etag)
    response.last_modified = last_modified
    # Kept by the visitor's browser only, and asked for again each time.
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response
