"""Fingerprinted static files: a file's URL names its content, so browsers may keep it for a
year and still fetch a changed file at once, under its new URL."""

import functools
import hashlib
import os

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import safe_join

ONE_YEAR = 365 * 24 * 60 * 60


@functools.lru_cache(maxsize=1024)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    """Hash each version of a file once; the file's mtime and size make the cache key."""
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()[:12]


def fingerprint(filename: str) -> str | None:
    """Return the fingerprint of a file below the static folder, or None if there is none.

    The file is looked at on every call (one ``stat``), so a file edited under a running
    process gets a new URL at once instead of its old URL being cached with new content.
    """
    path = safe_join(current_app.static_folder, filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
        return _digest(path, stat.st_mtime_ns, stat.st_size)
    except OSError:  # missing, or a folder
        return None


def _add_fingerprint(endpoint: str, values: dict) -> None:
    """Give every ``url_for('static', …)`` its file's fingerprint, so templates stay as they are."""
    if endpoint == "static" and "filename" in values:
        version = fingerprint(values["filename"])
        if version:
            values["v"] = version


def _cache_fingerprinted(response):
    """Only a URL naming the current content may be kept for a year; any other (old, wrong or
    no fingerprint) keeps send_file's ``no-cache``, so a stale URL never pins old content."""
    version = request.args.get("v")
    if (
        request.endpoint == "static"
        and response.status_code in (200, 304)
        and version
        and version == fingerprint(request.view_args["filename"])
    ):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    return response


class _SessionInterface(SecureCookieSessionInterface):
    """Leave static responses without session headers.

    Flask-Login reads the session after every request, so Flask would add ``Vary: Cookie``
    to static files too, and caches would keep (or revalidate) one copy per visitor.
    """

    def save_session(self, app, session, response):
        if request.endpoint != "static" or session.modified:
            super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.url_defaults(_add_fingerprint)
    app.after_request(_cache_fingerprinted)
    app.session_interface = _SessionInterface()
