"""Booking data: service types, technicians and their hours and absences, appointments, the
windows they occupy, and what happened to them."""

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import User, UTCDateTime, utcnow, value_enum


class ServiceKind(enum.StrEnum):
    REPAIR = "repair"
    MAINTENANCE = "maintenance"


class ServiceType(db.Model):
    """What a customer can book; duration and travel buffers decide how many windows it takes."""

    __tablename__ = "service_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_de: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    kind: Mapped[ServiceKind] = mapped_column(value_enum(ServiceKind, "service_kind"))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    buffer_before_minutes: Mapped[int] = mapped_column(Integer, default=0)
    buffer_after_minutes: Mapped[int] = mapped_column(Integer, default=0)
    needs_description: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, language: str) -> str:
        return self.name_de if language == "de" else self.name_en

    @property
    def total_minutes(self) -> int:
        return self.buffer_before_minutes + self.duration_minutes + self.buffer_after_minutes


technician_service = Table(
    "technician_service",
    db.Model.metadata,
    Column("technician_id", ForeignKey("technician.id", ondelete="CASCADE"), primary_key=True),
    Column("service_type_id", ForeignKey("service_type.id", ondelete="CASCADE"), primary_key=True),
)


class Technician(db.Model):
    __tablename__ = "technician"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    postcode_prefixes: Mapped[str] = mapped_column(String(1000), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    services: Mapped[list[ServiceType]] = relationship(
        secondary=technician_service, order_by=ServiceType.name_de
    )
    hours: Mapped[list["WorkingHours"]] = relationship(
        back_populates="technician",
        cascade="all, delete-orphan",
        order_by="WorkingHours.weekday, WorkingHours.starts",
    )
    absences: Mapped[list["Absence"]] = relationship(
        back_populates="technician", cascade="all, delete-orphan", order_by="Absence.starts_at"
    )

    @property
    def prefixes(self) -> list[str]:
        return [p for p in (part.strip() for part in self.postcode_prefixes.split(",")) if p]

    def covers(self, postcode: str) -> bool:
        return any(postcode.startswith(prefix) for prefix in self.prefixes)


class WorkingHours(db.Model):
    """One working interval on a weekday (0 = Monday), in local time; several make breaks."""

    __tablename__ = "working_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    technician_id: Mapped[int] = mapped_column(
        ForeignKey("technician.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)

    technician: Mapped[Technician] = relationship(back_populates="hours")


class AbsenceKind(enum.StrEnum):
    VACATION = "vacation"
    SICK = "sick"
    BLOCKED = "blocked"


class Absence(db.Model):
    """Time a technician cannot be booked: vacation, sickness, or time a dispatcher blocked."""

    __tablename__ = "absence"
    # A deleted absence's id never comes back on SQLite, so a repeated delete cannot hit a
    # newer absence.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    technician_id: Mapped[int] = mapped_column(
        ForeignKey("technician.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AbsenceKind] = mapped_column(value_enum(AbsenceKind, "absence_kind"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(String(200), default="")

    technician: Mapped[Technician] = relationship(back_populates="absences")


class Status(enum.StrEnum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


OPEN_STATUSES = (Status.REQUESTED, Status.CONFIRMED)


class Appointment(db.Model):
    """A booked visit; cancelled ones stay, with their status, and free their windows."""

    __tablename__ = "appointment"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    uid: Mapped[str] = mapped_column(String(80), unique=True)
    service_type_id: Mapped[int] = mapped_column(ForeignKey("service_type.id"), index=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("technician.id"), index=True)
    status: Mapped[Status] = mapped_column(value_enum(Status, "appointment_status"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    first_window: Mapped[int] = mapped_column(Integer)
    window_count: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    language: Mapped[str] = mapped_column(String(2), default="de")
    source: Mapped[str] = mapped_column(String(10), default="online")
    customer_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40))
    street: Mapped[str] = mapped_column(String(160))
    postcode: Mapped[str] = mapped_column(String(5))
    city: Mapped[str] = mapped_column(String(80))
    device_type: Mapped[str] = mapped_column(String(80), default="")
    brand: Mapped[str] = mapped_column(String(80), default="")
    model: Mapped[str] = mapped_column(String(80), default="")
    serial_number: Mapped[str] = mapped_column(String(80), default="")
    purchase_date: Mapped[date | None] = mapped_column(Date)
    problem: Mapped[str] = mapped_column(Text, default="")
    # The triage of device and problem when booked (search.triage): what dispatchers see first.
    urgency: Mapped[str] = mapped_column(String(10), default="normal", server_default="normal")
    urgency_reason: Mapped[str | None] = mapped_column(String(20))
    # The customer as ``scheduling.customer_keys`` writes them, for the cap on open bookings.
    email_key: Mapped[str] = mapped_column(String(254), default="", server_default="", index=True)
    phone_key: Mapped[str] = mapped_column(String(40), default="", server_default="", index=True)
    address_key: Mapped[str] = mapped_column(String(200), default="", server_default="", index=True)
    # A keyed hash of the client network an online booking came from (portal.security): for
    # the ceiling per network and day, and for undoing a flood from one network at once.
    network_key: Mapped[str] = mapped_column(String(32), default="", server_default="", index=True)
    manage_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service_type: Mapped[ServiceType] = relationship()
    technician: Mapped[Technician] = relationship()
    events: Mapped[list["AppointmentEvent"]] = relationship(
        back_populates="appointment",
        cascade="all, delete-orphan",
        order_by="AppointmentEvent.created_at",
    )
    photos: Mapped[list["AppointmentPhoto"]] = relationship(
        back_populates="appointment", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class OccupiedWindow(db.Model):
    """One arrival window of one technician taken by an open appointment. The unique key is what
    makes a double booking impossible, whichever process writes first."""

    __tablename__ = "occupied_window"
    __table_args__ = (UniqueConstraint("technician_id", "day", "window"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointment.id", ondelete="CASCADE"), index=True
    )
    technician_id: Mapped[int] = mapped_column(ForeignKey("technician.id"))
    day: Mapped[date] = mapped_column(Date)
    window: Mapped[int] = mapped_column(Integer)

    appointment: Mapped[Appointment] = relationship()


class AppointmentEvent(db.Model):
    """The audit trail: who changed what, and when."""

    __tablename__ = "appointment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointment.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(500), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    appointment: Mapped[Appointment] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()


class AppointmentPhoto(db.Model):
    """A photo of the fault or the rating plate, metadata stripped, deleted after a while."""

    __tablename__ = "appointment_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointment.id", ondelete="CASCADE"), index=True
    )
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    appointment: Mapped[Appointment] = relationship(back_populates="photos")


class Deflection(db.Model):
    """A customer who left the booking form for a suggested article instead of booking."""

    __tablename__ = "booking_deflection"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_type.id", ondelete="SET NULL")
    )
    article_slug: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
