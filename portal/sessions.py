"""Which staff sessions and "stay signed in" cookies still count.

Flask keeps the session in a signed cookie, so the server cannot delete a copy of it: signing out
used to drop the browser's cookie and nothing else. Instead every session and remember cookie
carries the account's alternative id ``"<id>:<session token>:<signed in at>"``
(``User.get_id``), and the user loader accepts it only while the token is the account's current
one, the account is active, and the sign-in is at most ``REMEMBER_DAYS`` old. A new token
(:func:`end_all`) therefore ends every session and remember cookie of the account at once:
signing out, "sign out everywhere", a password changed or reset, deactivation. The price: signing
out on one device signs out the others too.

A session that has not been used for ``STAFF_IDLE_MINUTES`` is dropped; a remember cookie, when
the person asked to stay signed in, then starts a new one.
"""

import hmac
import time
from datetime import timedelta

from flask import Flask, current_app, g, request, session
from flask_login import login_user

from portal.extensions import db, login_manager
from portal.forms import record_id
from portal.models import User, new_session_token

SEEN = "_seen"
# The last-seen time is written at most this often, so not every response sets a cookie.
SEEN_RESOLUTION_SECONDS = 60
LOGIN_KEYS = ("_user_id", "_fresh", "_id", SEEN)


def now() -> float:
    """Seconds since the epoch; tests replace it to travel in time."""
    return time.time()


def load_user(alternative_id: str) -> User | None:
    """The account a session or remember cookie names, if that sign-in still counts."""
    user = _still_counts(str(alternative_id))
    if user is None and session.get("_user_id") == alternative_id:
        for key in LOGIN_KEYS:
            session.pop(key, None)
    return user


def _still_counts(alternative_id: str) -> User | None:
    user_id, _, rest = alternative_id.partition(":")
    token, _, signed_in = rest.partition(":")
    number = record_id(user_id)
    if number is None or not token or not signed_in.isascii() or not signed_in.isdigit():
        return None
    user = db.session.get(User, number)
    if user is None or not user.active or not user.session_token:
        return None
    if not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    if now() - int(signed_in) > current_app.config["REMEMBER_DAYS"] * 86400:
        return None
    user.signed_in_at = int(signed_in)
    return user


def sign_in(user: User, remember: bool = False) -> None:
    """Start a session for ``user`` (and a remember cookie when asked)."""
    if not user.session_token:
        user.session_token = new_session_token()
        db.session.commit()
    user.signed_in_at = int(now())
    login_user(user, remember=remember)
    session[SEEN] = int(now())


def end_all(user: User) -> None:
    """End every session and remember cookie of ``user``; the caller commits."""
    user.session_token = new_session_token()


def renew(user: User) -> None:
    """After :func:`end_all` and its commit, keep the request's own sign-in going."""
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    sign_in(user, remember=cookie in request.cookies)


def _expire_idle() -> None:
    if "_user_id" not in session:
        return
    seen = session.get(SEEN)
    limit = current_app.config["STAFF_IDLE_MINUTES"] * 60
    if isinstance(seen, int) and 0 <= now() - seen <= limit:
        return
    for key in LOGIN_KEYS:
        session.pop(key, None)
    g.pop("_login_user", None)  # loaded already? Then load again, from a remember cookie if any


def _mark_seen(response):
    if "_user_id" in session:
        seen = session.get(SEEN)
        if not isinstance(seen, int) or now() - seen >= SEEN_RESOLUTION_SECONDS:
            session[SEEN] = int(now())
    return response


def init_app(app: Flask) -> None:
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=app.config["REMEMBER_DAYS"])
    login_manager.user_loader(load_user)
    app.before_request(_expire_idle)
    app.after_request(_mark_seen)
