"""Core models: staff accounts with their one-time links, recovery codes and audit log, the
column type every model uses for time, and the one database idiom that differs between SQLite
and PostgreSQL."""

import enum
import secrets
import time
from datetime import UTC, datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import DateTime, Enum, ForeignKey, Integer, String, TypeDecorator, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store naive UTC, hand out aware UTC: SQLite keeps no offsets, PostgreSQL then agrees."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def value_enum(kind: type[enum.Enum], name: str) -> Enum:
    """A database enum of the members' values ("draft"), not their names ("DRAFT")."""
    return Enum(kind, name=name, values_callable=lambda members: [m.value for m in members])


def new_session_token() -> str:
    return secrets.token_hex(16)


class Role(enum.StrEnum):
    EDITOR = "editor"
    DISPATCHER = "dispatcher"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    """A staff account; customers never log in."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(value_enum(Role, "user_role"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Written into every session and remember cookie (portal.sessions); a new value ends them
    # all. A version, not a credential: a cookie also needs the signature of SECRET_KEY.
    session_token: Mapped[str] = mapped_column(
        String(32), default=new_session_token, server_default=""
    )
    # The TOTP secret has to be readable to check codes, so unlike passwords it is not hashed.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last time step a code was accepted for: a code seen once is refused after that.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # The secret being set up, until a code confirms it: kept here, never in the cookie.
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))

    # When this sign-in began (seconds since the epoch): set by portal.sessions, not stored.
    signed_in_at = None

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def invitation_pending(self) -> bool:
        """Invited, but has not chosen a password yet."""
        return not self.password_hash

    @property
    def two_factor_enabled(self) -> bool:
        return bool(self.totp_secret)

    def get_id(self) -> str:
        """What sessions and remember cookies carry: id, session token and sign-in time."""
        return f"{self.id}:{self.session_token}:{self.signed_in_at or int(time.time())}"

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def has_role(self, *roles: Role) -> bool:
        """Admins may do everything; other roles only what they are named for."""
        return self.role is Role.ADMIN or self.role in roles


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(email: str, name: str, role: Role, password: str) -> User:
    """Create a staff account; the caller commits."""
    user = User(email=normalise_email(email), name=name.strip(), role=role)
    user.set_password(password)
    db.session.add(user)
    return user


def invite_user(email: str, name: str, role: Role) -> User:
    """Create a staff account without a password: its owner chooses one from the invitation."""
    user = User(email=normalise_email(email), name=name.strip(), role=role, password_hash="")
    db.session.add(user)
    return user


class TokenPurpose(enum.StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 -- what a link is for, not a password


class AccountToken(db.Model):
    """A link sent by e-mail that sets a password: kept as its SHA-256 only, used once."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """One of the ten codes that stand in for a lost authenticator; kept as SHA-256, used once."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(db.Model):
    """Who did what to which account, article or setting, and when (see portal.audit)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(String(500), default="")

    actor: Mapped[User | None] = relationship()


def insert_unless_present(model, values: dict, keys: list[str]) -> None:
    """Insert a row unless one with the same ``keys`` exists; safe against concurrent inserts."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(model).values(**values).on_conflict_do_nothing(index_elements=keys)
    )
