"""Security headers on every response, a refusal of input no page can take, and telling a
visitor's own click from a request another site or an image made their browser send."""

import hashlib
import hmac
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask_babel import gettext as _

from portal.errors import render_error

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    # Switches off the old browsers' XSS auditor, which itself leaked data (OWASP's advice).
    "X-XSS-Protection": "0",
}
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def _add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["PORTAL_HTTPS"]:
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


def _contains_nul() -> bool:
    if "\x00" in request.path:
        return True
    values = [*request.args.keys(), *request.args.values()]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in value for value in values):
        return True
    return request.is_json and b"\\u0000" in request.get_data(cache=True).lower()


def _refuse_nul():
    """No form or API takes NUL characters, and PostgreSQL cannot store them: say so clearly
    instead of failing deep inside a query."""
    if _contains_nul():
        return render_error(400, _("The request contains a NUL character, which cannot be used."))
    return None


def keyed_hash(period: str, *parts: str) -> str:
    """A hash of personal data (a client's network) that only this portal can recompute, for
    ``period`` (a name that changes when the hashes should stop matching)."""
    key = f"{current_app.secret_key}|{period}".encode()
    return hmac.new(key, "|".join(parts).encode(), hashlib.sha256).hexdigest()[:32]


def deliberate_visit() -> bool:
    """Whether the visitor opened this page themselves (a link on this site, a typed address),
    not a page elsewhere or an ``<img>``: only then may a GET remember a choice or count a
    click. Browsers say so in Fetch Metadata; without it, a Referer from elsewhere says no."""
    return from_this_site() and request.headers.get("Sec-Fetch-Dest") in (None, "document")


def from_this_site() -> bool:
    """Whether a request comes from this site's own pages (a script's fetch included) or from
    no page at all (an app, a typed address), not from a page elsewhere: what an API may count."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    referrer = request.headers.get("Referer")
    return not referrer or urlsplit(referrer).netloc == request.host


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul)
    app.after_request(_add_headers)
