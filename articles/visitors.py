"""Who a customer is, as far as votes, view counts and the search log need to know, without
keeping an address, and which search brought them to an article.

A voter is a random id in a signed, long-lived cookie. Abuse limits, view counts and the search
log use a keyed hash of the client's network (an IPv6 client's /64) whose key changes with
every period, so one period's hashes cannot be linked to the next and no address can be read
back from them. A search's result links carry a token that only the browser which searched can
have, so no one else can mark the search clicked or learn what was searched.
"""

import hashlib
import hmac
import re
import secrets

from flask import Response, current_app, request, session
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from articles.models import SearchQuery
from portal.extensions import client_network, db
from portal.models import utcnow
from portal.security import keyed_hash

COOKIE = "visitor"
COOKIE_AGE = 2 * 365 * 24 * 3600
# A searcher's network hash holds this long: a query needs several networks to become a
# suggestion, and within the 90 days of the log one network has at most four of these hashes.
SEARCHER_DAYS = 30
BOTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|fetch|monitor|preview|curl|wget|httpie|python-|"
    r"go-http|java/|okhttp|libwww|scrapy|axios|node-fetch|lighthouse",
    re.IGNORECASE,
)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="visitor")


def address_hash() -> str:
    """The hash of the client's network for this period of ``HELPFULNESS_ADDRESS_DAYS``: the
    cap on votes per address holds that long, not only until midnight."""
    period = utcnow().date().toordinal() // current_app.config["HELPFULNESS_ADDRESS_DAYS"]
    return keyed_hash(f"votes-{period}", "address", client_network())


def viewer_key() -> str:
    """Today's key of a reader's network, so a view counts once a day, whatever browser name
    the client sends and whether it keeps cookies."""
    return keyed_hash(utcnow().date().isoformat(), "viewer", client_network())


def is_bot() -> bool:
    agent = request.user_agent.string
    return not agent or bool(BOTS.search(agent))


def visitor_id() -> str | None:
    """The id in this request's visitor cookie, if it carries a genuine one."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        value = _serializer().loads(raw)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def new_visitor_id() -> str:
    return secrets.token_urlsafe(18)


def stored_form(visitor: str) -> str:
    """What the database keeps of a visitor id: a stolen table lets no one act as the visitor."""
    return hashlib.sha256(visitor.encode()).hexdigest()


def remember(response: Response, visitor: str) -> Response:
    """Send the visitor cookie unless the request already carried this id."""
    if visitor_id() != visitor:
        response.set_cookie(
            COOKIE,
            _serializer().dumps(visitor),
            max_age=COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def searcher_key() -> str:
    """The search log's hash of the client's network for this period of ``SEARCHER_DAYS``."""
    period = utcnow().date().toordinal() // SEARCHER_DAYS
    return keyed_hash(f"searcher-{period}", "searcher", client_network())


def _browser_keys() -> list[str]:
    """What this browser holds that others do not: its visitor id, and its session's CSRF
    token (every page carries one, so it exists from the first search on)."""
    generate_csrf()
    token = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")
    return [key for key in (visitor_id(), token) if key]


def _click_token(log_id: int, browser: str) -> str:
    return keyed_hash("search-click", str(log_id), browser)[:22]


def search_token(log_id: int) -> str:
    """The token that proves this browser made search ``log_id``; result links carry it."""
    return _click_token(log_id, _browser_keys()[0])


def made_search(log_id: int | None, token: str | None) -> bool:
    """Whether ``token`` is this browser's proof of having made search ``log_id``."""
    if not log_id or not token:
        return False
    return any(
        hmac.compare_digest(_click_token(log_id, browser), token) for browser in _browser_keys()
    )


def remember_search(slug: str, log_id: int) -> None:
    """Note which search led to an article, for the view and the vote that follow: only the
    log id, as the session cookie can be read by whoever holds it."""
    session["from_search"] = [slug, log_id]


def search_that_led_to(slug: str) -> str | None:
    found = session.get("from_search")
    if not (isinstance(found, list) and len(found) == 2 and found[0] == slug):
        return None
    if not isinstance(found[1], int):
        return None
    return db.session.scalar(select(SearchQuery.query).where(SearchQuery.id == found[1]))
