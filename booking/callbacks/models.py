"""Callback requests: a customer asks to be called, a dispatcher calls and marks it done."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import User, UTCDateTime, utcnow, value_enum


class CallbackStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


class PartOfDay(enum.StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    ANY = "any"


class CallbackRequest(db.Model):
    """One "Rückruf anfordern": who to call, at which number, about what, and when best."""

    __tablename__ = "callback_request"
    # The open list and the purge both read by status and age.
    __table_args__ = (Index("ix_callback_request_status_created_at", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(40))
    # As dialled from abroad (+4940…), so staff and tools never guess the area code.
    phone_e164: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(254), default="")
    topic: Mapped[str] = mapped_column(Text)
    preferred_time: Mapped[PartOfDay] = mapped_column(value_enum(PartOfDay, "part_of_day"))
    language: Mapped[str] = mapped_column(String(2), default="de")
    # The triage of the topic (search.triage); emergencies are never stored, urgent ones are.
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    urgency_reason: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[CallbackStatus] = mapped_column(
        value_enum(CallbackStatus, "callback_status"), default=CallbackStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(500), default="")

    closed_by: Mapped[User | None] = relationship()
