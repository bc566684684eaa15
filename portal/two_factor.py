"""Two-factor sign-in for staff: time-based codes (RFC 6238, pyotp) and recovery codes.

A code is accepted for the current 30-second step or the one either side (clocks drift), and
each step only once: the last accepted step is stored, so a code someone watched being typed
cannot be used again. Ten recovery codes of 80 random bits each stand in for a lost
authenticator; they are shown once and kept as SHA-256 (80 bits need no slow hash), each good
for one sign-in.
"""

import hashlib
import hmac
import secrets
from base64 import b32encode
from datetime import UTC, datetime

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import delete, select, update

from portal.extensions import db
from portal.models import RecoveryCode, User, utcnow

ISSUER = "Nordlicht Kundenportal"
RECOVERY_CODES = 10
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str, title: str) -> Markup:
    """The ``otpauth:`` URI as an inline SVG QR code: no script, no image request, no style."""
    code = segno.make(uri, error="m")
    svg = code.svg_inline(scale=4, border=4, light="#fff", dark="#000", title=title)
    # segno writes the markup and escapes the title; role="img" lets screen readers name it.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, at: datetime | None = None) -> int | None:
    """The time step whose code ``code`` is (now, or one step either side), or None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    moment = at or datetime.now(UTC)
    step = totp.timecode(moment)
    for offset in (0, -DRIFT_STEPS, DRIFT_STEPS):
        if hmac.compare_digest(totp.generate_otp(step + offset), code):
            return step + offset
    return None


def accept_code(user: User, code: str, at: datetime | None = None) -> bool:
    """Whether ``code`` signs ``user`` in; remembers its step so it never works again. The
    database decides: of two sign-ins sending the same code at once, the one whose update
    moves the stored step forward wins, and the other finds it moved. The caller commits."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, at)
    if step is None:
        return False
    moved = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            (User.totp_last_step.is_(None)) | (User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user, ["totp_last_step"])
    return moved.rowcount == 1


def _normalised(code: str) -> str:
    return "".join(char for char in code.casefold() if char.isalnum())


def _digest(code: str) -> str:
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace ``user``'s recovery codes with ten new ones, returned once. The caller commits."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = b32encode(secrets.token_bytes(10)).decode().lower()
        codes.append("-".join(raw[i : i + 4] for i in range(0, len(raw), 4)))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(code)) for code in codes)
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Use up one of ``user``'s recovery codes; False when it is unknown or used. The caller
    commits."""
    if len(_normalised(code)) != 16:
        return False
    found = db.session.scalar(
        select(RecoveryCode.id).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if found is None:
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == found, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return used.rowcount == 1


def remaining_recovery_codes(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def enable(user: User, secret: str, step: int) -> list[str]:
    """Switch two-factor sign-in on with a confirmed secret; returns the recovery codes."""
    user.totp_secret = secret
    user.totp_last_step = step
    user.totp_pending_secret = None
    return new_recovery_codes(user)


def disable(user: User) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    user.totp_pending_secret = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
