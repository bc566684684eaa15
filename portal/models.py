"""Core models: staff accounts, the column type every model uses for time, and the one
database idiom that differs between SQLite and PostgreSQL."""

import enum
from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import DateTime, Enum, String, TypeDecorator, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column
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

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

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


def insert_unless_present(model, values: dict, keys: list[str]) -> None:
    """Insert a row unless one with the same ``keys`` exists; safe against concurrent inserts."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(model).values(**values).on_conflict_do_nothing(index_elements=keys)
    )
