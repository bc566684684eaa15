"""Booking rules over the database: free windows for a service and postcode, and booking,
rescheduling, cancelling and reassigning appointments so that no window is ever taken twice.

The availability engine decides what is free; the unique key on ``OccupiedWindow`` decides who
wins when two requests want the same window at the same moment.
"""

import functools
import hashlib
import hmac
import secrets
import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as public_holidays
from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from booking import availability
from booking.models import (
    OPEN_STATUSES,
    Absence,
    AbsenceKind,
    Appointment,
    AppointmentEvent,
    AppointmentPhoto,
    OccupiedWindow,
    ServiceType,
    Status,
    Technician,
)
from portal import safety
from portal.caching import kept
from portal.extensions import db
from portal.models import User, utcnow
from search import triage

TIMEZONE = ZoneInfo("Europe/Berlin")
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
OFFERS = "booking.offers"
OFFERS_KEPT = 1000
OFFERS_FRESH_SECONDS = 5


class BookingError(Exception):
    """A booking request the rules refuse; ``code`` names the reason for messages and the API."""

    code = "not_bookable"


class WindowTaken(BookingError):
    code = "window_taken"


class NotCovered(BookingError):
    code = "not_covered"


class CutoffPassed(BookingError):
    code = "cutoff_passed"


class TooManyReschedules(BookingError):
    code = "too_many_reschedules"


class TechnicianBusy(BookingError):
    code = "technician_busy"


class CannotReopen(BookingError):
    """A cancelled appointment gave its windows back, so reopening it could double-book them."""

    code = "cannot_reopen"


@dataclass(frozen=True)
class Customer:
    """What a customer tells us about themselves, the visit and the device."""

    name: str
    email: str
    phone: str
    street: str
    postcode: str
    city: str
    device_type: str = ""
    brand: str = ""
    model: str = ""
    serial_number: str = ""
    purchase_date: date | None = None
    problem: str = ""


def assess(device: str, problem: str, language: str, now: datetime | None = None) -> triage.Triage:
    """The triage of what a customer says about the device and the problem."""
    text = f"{device}: {problem}" if device.strip() else problem
    return triage.classify(text, language, *safety.season(now))


def parse_windows(text: str) -> tuple[availability.Window, ...]:
    """``"08:00-10:00,10:00-12:00"`` as windows; the configuration's format."""
    windows = []
    for part in text.split(","):
        start, end = (time.fromisoformat(value.strip()) for value in part.split("-"))
        windows.append(availability.Window(start, end))
    return tuple(windows)


def rules() -> availability.Rules:
    config = current_app.config
    return availability.Rules(
        timezone=TIMEZONE,
        windows=parse_windows(config["BOOKING_WINDOWS"]),
        min_notice=timedelta(hours=config["BOOKING_MIN_NOTICE_HOURS"]),
        horizon_days=config["BOOKING_HORIZON_DAYS"],
    )


def local_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(TIMEZONE).date()


@functools.cache
def _holidays(state: str, year: int) -> frozenset[date]:
    return frozenset(public_holidays.country_holidays("DE", subdiv=state, years=year))


def holidays_between(first: date, last: date) -> set[date]:
    """Public holidays of the company's state, as the ``holidays`` library knows them."""
    state = current_app.config["BOOKING_STATE"]
    found = set().union(*(_holidays(state, year) for year in range(first.year, last.year + 1)))
    return {day for day in found if first <= day <= last}


def active_services() -> list[ServiceType]:
    return list(
        db.session.scalars(
            select(ServiceType).where(ServiceType.active.is_(True)).order_by(ServiceType.name_de)
        )
    )


def covering_technicians(service: ServiceType, postcode: str) -> list[Technician]:
    """Active technicians who do the service and whose area includes the postcode."""
    candidates = db.session.scalars(
        select(Technician)
        .where(Technician.active.is_(True), Technician.services.contains(service))
        .options(selectinload(Technician.hours))
        .order_by(Technician.name)
    )
    return [technician for technician in candidates if technician.covers(postcode)]


def _plans(
    technicians: list[Technician], first: date, last: date, ignore: Appointment | None = None
) -> list[availability.TechnicianPlan]:
    ids = [technician.id for technician in technicians]
    plans = {
        technician.id: availability.TechnicianPlan(
            id=technician.id,
            name=technician.name,
            hours=_weekly_hours(technician),
        )
        for technician in technicians
    }
    if not ids:
        return []
    window_start = datetime.combine(first, time.min, tzinfo=TIMEZONE)
    window_end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=TIMEZONE)
    for absence in db.session.scalars(
        select(Absence).where(
            Absence.technician_id.in_(ids),
            Absence.starts_at < window_end,
            Absence.ends_at > window_start,
        )
    ):
        plans[absence.technician_id].absences.append((absence.starts_at, absence.ends_at))
    occupied = select(
        OccupiedWindow.technician_id, OccupiedWindow.day, OccupiedWindow.window
    ).where(
        OccupiedWindow.technician_id.in_(ids),
        OccupiedWindow.day >= first,
        OccupiedWindow.day <= last,
    )
    if ignore is not None:
        occupied = occupied.where(OccupiedWindow.appointment_id != ignore.id)
    for technician_id, day, window in db.session.execute(occupied):
        plans[technician_id].occupied.add((day, window))
    loads = db.session.execute(
        select(Appointment.technician_id, Appointment.day, func.count())
        .where(
            Appointment.technician_id.in_(ids),
            Appointment.day >= first,
            Appointment.day <= last,
            Appointment.status.in_(OPEN_STATUSES),
        )
        .group_by(Appointment.technician_id, Appointment.day)
    )
    for technician_id, day, count in loads:
        plans[technician_id].load[day] = count
    return list(plans.values())


def _weekly_hours(technician: Technician) -> dict[int, list[tuple[time, time]]]:
    hours: dict[int, list[tuple[time, time]]] = {}
    for interval in technician.hours:
        hours.setdefault(interval.weekday, []).append((interval.starts, interval.ends))
    return hours


def free_slots(
    service: ServiceType,
    postcode: str,
    first: date,
    last: date,
    now: datetime | None = None,
    ignore: Appointment | None = None,
) -> list[availability.Slot]:
    """The windows a customer may pick, with the technicians who could take each; the range is
    clipped to today and the horizon before anything is read."""
    now = now or utcnow()
    today = local_today(now)
    first = max(first, today)
    last = min(last, today + timedelta(days=current_app.config["BOOKING_HORIZON_DAYS"]))
    if first > last:
        return []
    technicians = covering_technicians(service, postcode)
    return availability.free_slots(
        service.total_minutes,
        _plans(technicians, first, last, ignore),
        holidays_between(first, last),
        rules(),
        first,
        last,
        now,
    )


def offered_slots(
    service: ServiceType, postcode: str, first: date, last: date
) -> tuple[bool, list[availability.Slot]]:
    """Whether technicians cover the postcode, and :func:`free_slots`, as customers browse
    them: kept per process for a few seconds, so a crowd looking at one calendar costs one
    computation. A window taken meanwhile on another process is refused when booked
    (WindowTaken), never given twice; this process's own changes drop what it kept at once."""
    moment = int(clock.monotonic() // OFFERS_FRESH_SECONDS)
    key = (service.id, service.total_minutes, postcode, first, last, local_today(), moment)
    offers = kept(OFFERS, OFFERS_KEPT)
    offer = offers.get(key)
    if offer is None:
        covered = bool(covering_technicians(service, postcode))
        offer = (covered, free_slots(service, postcode, first, last) if covered else [])
        offers.put(key, offer)
    return offer


def _changes_availability(function):
    """Drop the kept offers after ``function``, whether it changed windows or found one taken."""

    @functools.wraps(function)
    def changing(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        finally:
            kept(OFFERS, OFFERS_KEPT).clear()

    return changing


def arrival_window(appointment: Appointment) -> tuple[datetime, datetime]:
    """When the technician arrives, as local times: the appointment's first window."""
    return availability.window_times(appointment.day, appointment.first_window, rules())


def manage_token(appointment: Appointment) -> str:
    """The private link's token: derived from the appointment's random uid with the secret key,
    so reminders can repeat it while the database keeps only its hash."""
    key = current_app.secret_key.encode()
    return hmac.new(key, f"manage|{appointment.uid}".encode(), hashlib.sha256).hexdigest()[:40]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def appointment_by_token(token: str) -> Appointment | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(Appointment).where(Appointment.manage_token_hash == token_hash(token))
    )


def _reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _log(appointment: Appointment, action: str, detail: str = "", user: User | None = None):
    appointment.events.append(
        AppointmentEvent(action=action, detail=detail[:500], user_id=user.id if user else None)
    )


def _occupy(appointment: Appointment, technician_id: int, slot: availability.Slot) -> None:
    for window in range(slot.window, slot.window + slot.count):
        db.session.add(
            OccupiedWindow(
                appointment=appointment, technician_id=technician_id, day=slot.day, window=window
            )
        )


def _place(appointment: Appointment, technician_id: int, slot: availability.Slot) -> None:
    appointment.technician_id = technician_id
    appointment.day, appointment.first_window, appointment.window_count = (
        slot.day,
        slot.window,
        slot.count,
    )
    appointment.starts_at = slot.start.astimezone(UTC)
    appointment.ends_at = slot.busy_until.astimezone(UTC)


def _slot(service: ServiceType, postcode: str, day: date, window: int, now, ignore=None):
    technicians = covering_technicians(service, postcode)
    if not technicians:
        raise NotCovered(postcode)
    return availability.slot_for(
        service.total_minutes,
        _plans(technicians, day, day, ignore),
        holidays_between(day, day),
        rules(),
        day,
        window,
        now,
    )


def is_free(service: ServiceType, postcode: str, day: date, window: int) -> bool:
    try:
        return _slot(service, postcode, day, window, utcnow()) is not None
    except NotCovered:
        return False


@_changes_availability
def book(
    service: ServiceType,
    customer: Customer,
    day: date,
    window: int,
    language: str = "de",
    source: str = "online",
    user: User | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Book the window with the least busy technician who can take it, or raise WindowTaken."""
    now = now or utcnow()
    slot = _slot(service, customer.postcode, day, window, now)
    if slot is None:
        raise WindowTaken(f"{day} {window}")
    verdict = assess(customer.device_type, customer.problem, language, now)
    for technician_id in slot.technicians:
        appointment = Appointment(
            reference=_reference(),
            uid=f"{secrets.token_hex(16)}@portal",
            service_type_id=service.id,
            status=Status.REQUESTED if source == "online" else Status.CONFIRMED,
            language=language,
            source=source,
            customer_name=customer.name,
            email=customer.email,
            phone=customer.phone,
            street=customer.street,
            postcode=customer.postcode,
            city=customer.city,
            device_type=customer.device_type,
            brand=customer.brand,
            model=customer.model,
            serial_number=customer.serial_number,
            purchase_date=customer.purchase_date,
            problem=customer.problem,
            urgency=verdict.level,
            urgency_reason=verdict.reason,
            consent_at=now if source == "online" else None,
            created_at=now,
            updated_at=now,
        )
        appointment.manage_token_hash = token_hash(manage_token(appointment))
        _place(appointment, technician_id, slot)
        db.session.add(appointment)
        _occupy(appointment, technician_id, slot)
        _log(appointment, "booked", source, user)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            continue
        return appointment
    raise WindowTaken(f"{day} {window}")


def can_change(appointment: Appointment, now: datetime | None = None) -> bool:
    """Customers may change or cancel an open appointment until the cut-off before it."""
    cutoff = timedelta(hours=current_app.config["BOOKING_CHANGE_CUTOFF_HOURS"])
    return appointment.is_open and (now or utcnow()) < appointment.starts_at - cutoff


def reschedules_left(appointment: Appointment) -> int:
    return max(0, current_app.config["BOOKING_MAX_RESCHEDULES"] - appointment.reschedule_count)


@_changes_availability
def reschedule(
    appointment: Appointment,
    day: date,
    window: int,
    user: User | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Move an appointment, keeping its technician when that one is free then."""
    now = now or utcnow()
    if user is None:
        if not can_change(appointment, now):
            raise CutoffPassed(appointment.reference)
        if not reschedules_left(appointment):
            raise TooManyReschedules(appointment.reference)
    slot = _slot(appointment.service_type, appointment.postcode, day, window, now, appointment)
    if slot is None:
        raise WindowTaken(f"{day} {window}")
    before = f"{appointment.day} #{appointment.first_window}"
    candidates = sorted(slot.technicians, key=lambda tid: tid != appointment.technician_id)
    for technician_id in candidates:
        db.session.execute(
            delete(OccupiedWindow).where(OccupiedWindow.appointment_id == appointment.id)
        )
        _place(appointment, technician_id, slot)
        _occupy(appointment, technician_id, slot)
        appointment.reschedule_count += 0 if user else 1
        appointment.sequence += 1
        appointment.reminder_sent_at = None
        appointment.updated_at = now
        _log(appointment, "rescheduled", f"{before} → {slot.day} #{slot.window}", user)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            continue
        return appointment
    raise WindowTaken(f"{day} {window}")


@_changes_availability
def set_status(
    appointment: Appointment, status: Status, user: User | None = None, note: str = ""
) -> None:
    """Change the status with an audit entry; a cancelled appointment frees its windows."""
    if status == appointment.status:
        return
    if appointment.status == Status.CANCELLED:
        raise CannotReopen(appointment.reference)
    detail = f"{appointment.status.value} → {status.value}" + (f": {note}" if note else "")
    appointment.status = status
    appointment.updated_at = utcnow()
    if status == Status.CANCELLED:
        appointment.sequence += 1
        db.session.execute(
            delete(OccupiedWindow).where(OccupiedWindow.appointment_id == appointment.id)
        )
    _log(appointment, "status", detail, user)
    db.session.commit()


def cancel(appointment: Appointment, now: datetime | None = None) -> None:
    """A customer's cancellation through the private link, until the cut-off."""
    if not can_change(appointment, now):
        raise CutoffPassed(appointment.reference)
    set_status(appointment, Status.CANCELLED, note="customer")


@_changes_availability
def reassign(appointment: Appointment, technician: Technician, user: User) -> None:
    """Give the appointment's windows to another technician, if that one has them free."""
    if technician.id == appointment.technician_id:
        return
    before = appointment.technician.name
    try:
        db.session.execute(
            update(OccupiedWindow)
            .where(OccupiedWindow.appointment_id == appointment.id)
            .values(technician_id=technician.id)
        )
        appointment.technician_id = technician.id
        appointment.updated_at = utcnow()
        _log(appointment, "reassigned", f"{before} → {technician.name}", user)
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise TechnicianBusy(technician.name) from error


@_changes_availability
def block_time(
    technician: Technician, starts_at: datetime, ends_at: datetime, note: str, user: User
) -> Absence:
    """Take a technician out of the booking for a while (training, a long job)."""
    absence = Absence(
        technician_id=technician.id,
        kind=AbsenceKind.BLOCKED,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note[:200] or user.name,
    )
    db.session.add(absence)
    db.session.commit()
    return absence


def due_reminders(now: datetime | None = None) -> list[Appointment]:
    """Open appointments starting within the next day that got no reminder yet."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Appointment)
            .where(
                Appointment.status.in_(OPEN_STATUSES),
                Appointment.reminder_sent_at.is_(None),
                Appointment.starts_at > now,
                Appointment.starts_at <= now + timedelta(days=1),
            )
            .order_by(Appointment.starts_at)
        )
    )


def claim_reminder(appointment: Appointment, now: datetime | None = None) -> bool:
    """Mark the reminder as sent unless another run did; only the run that claims it sends."""
    claimed = db.session.execute(
        update(Appointment)
        .where(Appointment.id == appointment.id, Appointment.reminder_sent_at.is_(None))
        .values(reminder_sent_at=now or utcnow())
    ).rowcount
    db.session.commit()
    return claimed == 1


def release_reminder(appointment: Appointment) -> None:
    """Give a claimed reminder back, so that the next run sends it after all."""
    db.session.execute(
        update(Appointment).where(Appointment.id == appointment.id).values(reminder_sent_at=None)
    )
    db.session.commit()


def purge_photos(now: datetime | None = None) -> int:
    """Delete photos older than the configured number of days."""
    limit = (now or utcnow()) - timedelta(days=current_app.config["BOOKING_PHOTO_DAYS"])
    removed = db.session.execute(
        delete(AppointmentPhoto).where(AppointmentPhoto.created_at < limit)
    ).rowcount
    db.session.commit()
    return removed
