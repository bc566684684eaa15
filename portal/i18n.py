"""Which language a request speaks: the URL prefix first, then the visitor's remembered choice."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    has_request_context,
    redirect,
    request,
    url_for,
)
from flask_babel import get_locale

from portal.config import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from portal.security import deliberate_visit

COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

bp = Blueprint("i18n", __name__)


def _language_from_path() -> str | None:
    first = request.path.strip("/").split("/", 1)[0]
    return first if first in SUPPORTED_LANGUAGES else None


def select_locale() -> str:
    """Choose the UI language; German unless the URL or a remembered choice says otherwise."""
    if not has_request_context():
        return "en"  # the command line speaks English, as the code does
    from_path = _language_from_path()
    if from_path:
        return from_path
    remembered = request.cookies.get(COOKIE)
    return remembered if remembered in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def safe_next(target: str | None, fallback: str) -> str:
    """Return ``target`` only when it is a path on this site, so redirects cannot leave it.

    Control characters are refused outright: browsers drop tabs and newlines from URLs, so
    ``/<tab>/evil.example`` would become ``//evil.example``, and a newline cannot go in a header.
    """
    if not target or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return fallback if "\\" in target else target


@bp.get("/sprache/<lang>")
def switch(lang: str):
    """Remember a language for pages without one in their URL (staff pages, the root)."""
    if lang not in SUPPORTED_LANGUAGES:
        lang = DEFAULT_LANGUAGE
    if deliberate_visit():
        g.remember_language = lang
    return redirect(safe_next(request.args.get("next"), url_for("articles.home", lang=lang)))


def _remember_language(response):
    chosen = g.get("remember_language") or _language_from_path()
    if chosen and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(
            COOKIE,
            chosen,
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure,
        )
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.after_request(_remember_language)
    app.jinja_env.globals.update(
        current_language=current_language, supported_languages=SUPPORTED_LANGUAGES
    )


def reject_unknown_language(endpoint, values) -> None:
    """URL preprocessor for blueprints whose URLs carry ``<lang>``: other codes are 404."""
    if values and "lang" in values and values["lang"] not in SUPPORTED_LANGUAGES:
        abort(404)
