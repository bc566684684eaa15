"""Links that let someone set a staff password: an invitation, or "forgot password".

A link carries a random value signed with SECRET_KEY (itsdangerous, a salt per purpose), so a
forged or altered one is refused before the database is asked. The database keeps only the
value's SHA-256 with the time it expires and whether it was used: a link works once, until
``INVITATION_HOURS`` or ``PASSWORD_RESET_MINUTES`` have passed, and a newer link of the same kind
replaces an older one. Using it is one conditional UPDATE, so two requests with the same link
cannot both succeed.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import AccountToken, TokenPurpose, User, utcnow

MAX_TOKEN_CHARACTERS = 200


def lifetime(purpose: TokenPurpose) -> timedelta:
    config = current_app.config
    if purpose is TokenPurpose.INVITATION:
        return timedelta(hours=config["INVITATION_HOURS"])
    return timedelta(minutes=config["PASSWORD_RESET_MINUTES"])


def _serializer(purpose: TokenPurpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"account-{purpose}")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def issue(user: User, purpose: TokenPurpose) -> str:
    """A new link token for ``user``; older unused ones of this purpose stop working. The caller
    commits."""
    now = utcnow()
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose.value,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    value = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose.value,
            token_hash=_digest(value),
            created_at=now,
            expires_at=now + lifetime(purpose),
        )
    )
    return _serializer(purpose).dumps(value)


def _record(token: str, purpose: TokenPurpose) -> AccountToken | None:
    if not token or len(token) > MAX_TOKEN_CHARACTERS:
        return None
    max_age = lifetime(purpose).total_seconds()
    try:
        value = _serializer(purpose).loads(token, max_age=max_age)
    except BadSignature:  # also an expired signature
        return None
    if not isinstance(value, str):
        return None
    record = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == _digest(value), AccountToken.purpose == purpose.value
        )
    )
    if record is None or record.used_at is not None or record.expires_at <= utcnow():
        return None
    if not record.user.active:
        return None
    return record


def holder(token: str, purpose: TokenPurpose) -> User | None:
    """The account a still valid link belongs to, without using the link up."""
    record = _record(token, purpose)
    return record.user if record else None


def redeem(token: str, purpose: TokenPurpose) -> User | None:
    """Use the link up and return its account; None when it is invalid, expired or used. The
    caller commits together with what the link was for."""
    record = _record(token, purpose)
    if record is None:
        return None
    used = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == record.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return record.user if used.rowcount == 1 else None


def forget(user: User) -> None:
    """Make every open link of ``user`` stop working (a password was set another way)."""
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
