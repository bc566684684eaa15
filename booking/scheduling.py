"""Booking rules over the database: free windows for a service and postcode, and booking,
rescheduling, cancelling and reassigning appointments so that no window is ever taken twice.

The availability engine decides what is free; the unique key on ``OccupiedWindow`` decides who
wins when two requests want the same window at the same moment.
"""

import functools
import hashlib
import hmac
import re
import secrets
import time as clock
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as public_holidays
import phonenumbers
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, text, update
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
from portal import audit, safety
from portal.caching import kept
from portal.extensions import db
from portal.models import User, utcnow
from search import triage
from search.analysis import fold, latin_lookalikes, visible

TIMEZONE = ZoneInfo("Europe/Berlin")
for _action, _label in (
    ("booked", _l("Appointment booked by phone")),
    ("rescheduled", _l("Appointment moved")),
    ("status", _l("Appointment status changed")),
    ("reassigned", _l("Appointment given to another technician")),
):
    audit.describe(f"appointment.{_action}", _label)
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


class TooManyOpen(BookingError):
    """The customer (by e-mail, phone or visit address) has as many open online bookings as
    one customer may; ``field`` names which matched."""

    code = "too_many_open"

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


class NoLongerOpen(BookingError):
    """The appointment was cancelled or closed by a change that came first."""

    code = "no_longer_open"


# The fields of a booking in which a customer describes something: all read by triage.
DESCRIBED = ("device_type", "brand", "model", "serial_number", "problem")


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

    def described(self) -> tuple[str, ...]:
        """What the customer describes, for triage."""
        return tuple(getattr(self, name) for name in DESCRIBED)


@dataclass(frozen=True)
class Photo:
    """A customer's photo, checked and re-encoded, to be stored with the booking."""

    content_type: str
    data: bytes
    width: int
    height: int


def customer_keys(customer: Customer) -> dict[str, str]:
    """What makes two bookings one customer's, written so that spelling does not tell them
    apart: the e-mail address, the phone number as dialled from abroad, the visit address.
    Full-width and look-alike letters, umlauts written as "ue" or with a combining mark, house
    numbers with leading zeros and "+tags" in e-mail addresses all meet their plain form."""
    try:
        number = phonenumbers.parse(visible(customer.phone), "DE")
        phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        phone = re.sub(r"\D", "", visible(customer.phone))
    street = fold(_comparable(customer.street), "de")
    street = re.sub(r"str(asse|\.)?\b", "str", street)
    street = re.sub(r"(?<!\d)0+(?=\d)", "", street)
    return {
        "email_key": email_key(customer.email),
        "phone_key": phone,
        "address_key": visible(customer.postcode) + "|" + re.sub(r"[^\w]", "", street),
    }


# Providers that deliver "e.rika" and "erika" to the same mailbox.
_DOTS_IGNORED = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def email_key(address: str) -> str:
    """An e-mail address as the mailbox it reaches: without a "+tag", without the dots a
    provider ignores, in one case and in Latin letters."""
    local, at, domain = _comparable(address).rpartition("@")
    if not at:
        return domain
    local = local.split("+", 1)[0]
    if domain in _DOTS_IGNORED:
        local, domain = local.replace(".", ""), _DOTS_IGNORED[domain]
    return f"{local}@{domain}"


def _comparable(text: str) -> str:
    return latin_lookalikes(visible(text)).casefold().strip()


def _check_open_bookings(keys: dict[str, str], appointment: Appointment, now: datetime) -> None:
    """Refuse a further online booking of a customer with ``BOOKING_OPEN_PER_CUSTOMER`` open
    ones already, or from a client network with ``BOOKING_OPEN_PER_NETWORK_DAY`` open ones
    booked today (made-up customers filling the calendar). Counted after the new one is
    written, so two bookings at once wait for each other (SQLite's write lock; on PostgreSQL a
    lock per key), and both cannot slip through."""
    limit = current_app.config["BOOKING_OPEN_PER_CUSTOMER"]
    network = appointment.network_key
    locks = {**keys, "network_key": network} if network else keys
    for name, value in sorted(locks.items()):
        if db.engine.dialect.name == "postgresql":
            db.session.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                {"key": f"booking|{name}|{value}"},
            )
    db.session.flush()
    for name, value in sorted(keys.items()):
        if not value.strip("|"):
            continue
        count = db.session.scalar(
            select(func.count()).where(
                getattr(Appointment, name) == value,
                Appointment.source == "online",
                Appointment.status.in_(OPEN_STATUSES),
                Appointment.id != appointment.id,
            )
        )
        if count >= limit:
            raise TooManyOpen(name.removesuffix("_key"))
    if network:
        today = db.session.scalar(
            select(func.count()).where(Appointment.network_key == network, *booked_today(now))
        )
        if today > current_app.config["BOOKING_OPEN_PER_NETWORK_DAY"]:
            raise TooManyOpen("network")


def booked_today(now: datetime | None = None) -> tuple:
    """The conditions of an open online booking made today (local time)."""
    midnight = datetime.combine(local_today(now), time.min, tzinfo=TIMEZONE).astimezone(UTC)
    return (
        Appointment.source == "online",
        Appointment.status.in_(OPEN_STATUSES),
        Appointment.created_at >= midnight,
    )


def assess(described: Sequence[str], language: str, now: datetime | None = None) -> triage.Triage:
    """The triage of everything a customer describes (device, brand, model, serial number,
    problem), the strongest field winning. Names and addresses are not read: a customer
    called Rauch or a town called Brand is no fire."""
    return triage.classify_fields(described, language, *safety.season(now))


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
    """The appointment's own history; a change by staff goes into the staff audit log too."""
    appointment.events.append(
        AppointmentEvent(action=action, detail=detail[:500], user_id=user.id if user else None)
    )
    if user is not None:
        audit.record(user, f"appointment.{action}", appointment.reference, detail)


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
    photos: Sequence[Photo] = (),
    network: str = "",
) -> Appointment:
    """Book the window with the least busy technician who can take it, or raise WindowTaken;
    the photos are written in the same transaction, so a booking never lacks its photos.
    ``network`` is the keyed hash of the client network an online booking came from."""
    now = now or utcnow()
    slot = _slot(service, customer.postcode, day, window, now)
    if slot is None:
        raise WindowTaken(f"{day} {window}")
    verdict = assess(customer.described(), language, now)
    keys = customer_keys(customer)
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
            network_key=network,
            **keys,
        )
        appointment.manage_token_hash = token_hash(manage_token(appointment))
        appointment.photos = [
            AppointmentPhoto(
                content_type=p.content_type, data=p.data, width=p.width, height=p.height
            )
            for p in photos
        ]
        _place(appointment, technician_id, slot)
        db.session.add(appointment)
        _occupy(appointment, technician_id, slot)
        _log(appointment, "booked", source, user)
        try:
            if source == "online":
                _check_open_bookings(keys, appointment, now)
            db.session.commit()
        except TooManyOpen:
            db.session.rollback()
            raise
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


def _locked(appointment: Appointment) -> Appointment:
    """Wait until no other change of this appointment is under way, then read it as it is now.

    Every change of an appointment starts here, so two of them never interleave: on PostgreSQL
    a row lock; on SQLite a write, which takes the database's single write lock. The caller's
    commit or rollback releases it.
    """
    fresh = select(Appointment).where(Appointment.id == appointment.id)
    if db.engine.dialect.name == "sqlite":
        db.session.execute(
            update(Appointment).where(Appointment.id == appointment.id).values(id=Appointment.id)
        )
    else:
        fresh = fresh.with_for_update()
    return db.session.execute(fresh.execution_options(populate_existing=True)).scalar_one()


def _commit_as_changed() -> None:
    """Commit, keeping the objects as this change left them: the e-mail that follows tells this
    change (its time, its SEQUENCE), not one that another request committed a moment later."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


@_changes_availability
def reschedule(
    appointment: Appointment,
    day: date,
    window: int,
    user: User | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Move an appointment, keeping its technician when that one is free then.

    :raises NoLongerOpen: when a change that came first cancelled or closed it.
    """
    now = now or utcnow()
    for attempt in range(len(covering_technicians(appointment.service_type, appointment.postcode))):
        _locked(appointment)
        if not appointment.is_open:
            db.session.rollback()
            raise NoLongerOpen(appointment.reference)
        if user is None and not can_change(appointment, now):
            db.session.rollback()
            raise CutoffPassed(appointment.reference)
        if user is None and not reschedules_left(appointment):
            db.session.rollback()
            raise TooManyReschedules(appointment.reference)
        slot = _slot(appointment.service_type, appointment.postcode, day, window, now, appointment)
        candidates = (
            sorted(slot.technicians, key=lambda t: t != appointment.technician_id) if slot else []
        )
        if attempt >= len(candidates):
            break
        before = f"{appointment.day} #{appointment.first_window}"
        db.session.execute(
            delete(OccupiedWindow).where(OccupiedWindow.appointment_id == appointment.id)
        )
        _place(appointment, candidates[attempt], slot)
        _occupy(appointment, candidates[attempt], slot)
        appointment.reschedule_count += 0 if user else 1
        appointment.sequence += 1
        appointment.reminder_sent_at = None
        appointment.updated_at = now
        _log(appointment, "rescheduled", f"{before} → {slot.day} #{slot.window}", user)
        try:
            _commit_as_changed()
        except IntegrityError:
            db.session.rollback()
            continue
        return appointment
    db.session.rollback()
    raise WindowTaken(f"{day} {window}")


@_changes_availability
def set_status(
    appointment: Appointment, status: Status, user: User | None = None, note: str = ""
) -> bool:
    """Change the status with an audit entry; a cancelled appointment frees its windows.
    Returns whether it changed (another change may have set it first).

    :raises CannotReopen: for an appointment cancelled, also by a change that came first.
    """
    _locked(appointment)
    if status == appointment.status:
        db.session.rollback()
        return False
    if appointment.status == Status.CANCELLED:
        db.session.rollback()
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
    _commit_as_changed()
    return True


def cancel(appointment: Appointment, now: datetime | None = None) -> None:
    """A customer's cancellation through the private link, until the cut-off.

    :raises NoLongerOpen: when it was cancelled or closed meanwhile.
    """
    _locked(appointment)
    if not appointment.is_open:
        db.session.rollback()
        raise NoLongerOpen(appointment.reference)
    if not can_change(appointment, now):
        db.session.rollback()
        raise CutoffPassed(appointment.reference)
    set_status(appointment, Status.CANCELLED, note="customer")


@_changes_availability
def reassign(appointment: Appointment, technician: Technician, user: User) -> None:
    """Give the appointment's windows to another technician, if that one has them free.

    :raises NoLongerOpen: for an appointment cancelled or closed, also meanwhile.
    """
    _locked(appointment)
    if technician.id == appointment.technician_id:
        db.session.rollback()
        return
    if not appointment.is_open:
        db.session.rollback()
        raise NoLongerOpen(appointment.reference)
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
