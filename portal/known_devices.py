"""Browsers that have signed in to a staff account before, known by a signed cookie.

Ten wrong passwords a minute from anywhere would otherwise lock an account's owner out: the
per-account limit on sign-ins counts only browsers without this account's cookie, so strangers
guessing the password exhaust it while the owner, on a browser that signed in before, still
gets in (each browser still has its own per-client limit). The cookie holds a hash of the
address, never the address, and is signed with the secret key.
"""

import hashlib

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "staff_device"
DAYS = 180


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="staff-device")


def _account(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _accounts() -> list[str]:
    """The accounts this browser signed in to, from its cookie; none if it has none valid."""
    try:
        accounts = _serializer().loads(request.cookies.get(COOKIE, ""), max_age=DAYS * 86400)
    except BadSignature:
        return []
    return accounts if isinstance(accounts, list) else []


def known(email: str) -> bool:
    """Whether this browser has signed in to the account with ``email`` before."""
    return bool(email) and _account(email) in _accounts()


def remember(response: Response, email: str) -> Response:
    """Mark this browser as one that signed in to the account (the last five per browser)."""
    account = _account(email)
    accounts = [*[other for other in _accounts() if other != account][-4:], account]
    response.set_cookie(
        COOKIE,
        _serializer().dumps(accounts),
        max_age=DAYS * 86400,
        path="/staff",
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure,
    )
    return response
