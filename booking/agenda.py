"""What dispatchers see and change: the day and week agenda, the CSV export, and the settings
behind the booking (technicians with their hours and absences, service types).

Plain functions without the request, so tests call them directly and views stay thin.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from booking import availability, scheduling
from booking.models import (
    OPEN_STATUSES,
    Absence,
    AbsenceKind,
    Appointment,
    AppointmentEvent,
    AppointmentPhoto,
    OccupiedWindow,
    ServiceKind,
    ServiceType,
    Status,
    Technician,
    WorkingHours,
)
from portal.extensions import db
from portal.models import User, utcnow
from portal.spreadsheets import csv_text

# Dates far outside the company's life are typos, and arithmetic near year 9999 would overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_EXPORT_DAYS = 366
EXPORT_HEADER = (
    "reference",
    "day",
    "window",
    "status",
    "technician",
    "service",
    "customer",
    "phone",
    "email",
    "street",
    "postcode",
    "city",
    "device",
    "problem",
    "source",
    "created",
)
PREFIX = re.compile(r"^\d{1,5}$")
INTERVAL = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$")


class HoursError(ValueError):
    """Weekly hours the form refuses; ``code`` is "format", "order" or "overlap", ``part`` the
    text that caused it."""

    def __init__(self, code: str, part: str):
        super().__init__(f"{code}: {part}")
        self.code = code
        self.part = part


# Dates and ranges


def parse_day(text: str | None) -> date | None:
    """An ISO date from a query string, or None when missing, malformed or implausible."""
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_moment(day: date, at: time) -> datetime:
    """A Europe/Berlin wall-clock time as aware UTC, the way the database stores it."""
    return datetime.combine(day, at, tzinfo=scheduling.TIMEZONE).astimezone(UTC)


def absence_bounds(
    start_day: date, start_time: time | None, end_day: date, end_time: time | None
) -> tuple[datetime, datetime]:
    """Without times an absence covers whole days: from midnight of the first to midnight after
    the last, so "Monday to Friday" means what a dispatcher means by it."""
    starts_at = local_moment(start_day, start_time or time.min)
    if end_time is None:
        return starts_at, local_moment(end_day + timedelta(days=1), time.min)
    return starts_at, local_moment(end_day, end_time)


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return local_moment(first, time.min), local_moment(last + timedelta(days=1), time.min)


# The agenda


@dataclass(frozen=True)
class Cell:
    """What one technician has in one window (day view) or on one day (week view)."""

    appointments: list[Appointment]
    absences: list[Absence]
    working: bool


@dataclass(frozen=True)
class WindowRow:
    index: int
    start: datetime
    end: datetime
    cells: list[Cell]


@dataclass(frozen=True)
class DayAgenda:
    day: date
    technicians: list[Technician]
    rows: list[WindowRow]
    absences: list[Absence]


@dataclass(frozen=True)
class DayRow:
    day: date
    cells: list[Cell]


@dataclass(frozen=True)
class WeekAgenda:
    first: date
    last: date
    technicians: list[Technician]
    rows: list[DayRow]


def all_technicians() -> list[Technician]:
    """Every technician, with services and hours loaded for lists and agendas."""
    return list(
        db.session.scalars(
            select(Technician)
            .options(selectinload(Technician.services), selectinload(Technician.hours))
            .order_by(Technician.active.desc(), Technician.name, Technician.id)
        )
    )


def appointments_between(
    first: date, last: date, technician_id: int | None = None
) -> list[Appointment]:
    """Appointments of the days, with service type and technician joined into the one query."""
    statement = (
        select(Appointment)
        .options(joinedload(Appointment.service_type), joinedload(Appointment.technician))
        .where(Appointment.day >= first, Appointment.day <= last)
        .order_by(Appointment.day, Appointment.starts_at, Appointment.id)
    )
    if technician_id is not None:
        statement = statement.where(Appointment.technician_id == technician_id)
    return list(db.session.scalars(statement))


def absences_between(first: date, last: date, technician_id: int | None = None) -> list[Absence]:
    """Absences overlapping the local days from ``first`` to ``last``."""
    start, end = _day_bounds(first, last)
    statement = (
        select(Absence)
        .options(joinedload(Absence.technician))
        .where(Absence.starts_at < end, Absence.ends_at > start)
        .order_by(Absence.starts_at, Absence.id)
    )
    if technician_id is not None:
        statement = statement.where(Absence.technician_id == technician_id)
    return list(db.session.scalars(statement))


def _shown_technicians(
    appointments: list[Appointment], technician_id: int | None
) -> list[Technician]:
    """The chosen technician, or all active ones plus inactive ones who still have visits."""
    if technician_id is not None:
        return [t for t in all_technicians() if t.id == technician_id]
    busy = {appointment.technician_id for appointment in appointments}
    return [t for t in all_technicians() if t.active or t.id in busy]


def _overlaps(absence: Absence, start: datetime, end: datetime) -> bool:
    return absence.starts_at < end and start < absence.ends_at


def _works(technician: Technician, weekday: int, start: time, end: time) -> bool:
    """The availability engine's rule: a window counts only if it lies inside one interval."""
    return any(
        hours.weekday == weekday and hours.starts <= start and end <= hours.ends
        for hours in technician.hours
    )


def day_agenda(day: date, technician_id: int | None = None) -> DayAgenda:
    """The day as a grid of arrival windows by technician."""
    appointments = appointments_between(day, day, technician_id)
    absences = absences_between(day, day, technician_id)
    technicians = _shown_technicians(appointments, technician_id)
    rules = scheduling.rules()
    rows = []
    for index, window in enumerate(rules.windows):
        start, end = availability.window_times(day, index, rules)
        cells = [
            Cell(
                appointments=[
                    appointment
                    for appointment in appointments
                    if appointment.technician_id == technician.id
                    and appointment.first_window
                    <= index
                    < appointment.first_window + appointment.window_count
                ],
                absences=[
                    absence
                    for absence in absences
                    if absence.technician_id == technician.id and _overlaps(absence, start, end)
                ],
                working=_works(technician, day.weekday(), window.start, window.end),
            )
            for technician in technicians
        ]
        rows.append(WindowRow(index=index, start=start, end=end, cells=cells))
    shown = {technician.id for technician in technicians}
    return DayAgenda(
        day=day,
        technicians=technicians,
        rows=rows,
        absences=[absence for absence in absences if absence.technician_id in shown],
    )


def week_agenda(first: date, technician_id: int | None = None) -> WeekAgenda:
    """Monday to Sunday of the week containing ``first``, as a grid of days by technician."""
    first = week_start(first)
    last = first + timedelta(days=6)
    appointments = appointments_between(first, last, technician_id)
    absences = absences_between(first, last, technician_id)
    technicians = _shown_technicians(appointments, technician_id)
    rows = []
    for offset in range(7):
        day = first + timedelta(days=offset)
        start, end = _day_bounds(day, day)
        rows.append(
            DayRow(
                day=day,
                cells=[
                    Cell(
                        appointments=[
                            appointment
                            for appointment in appointments
                            if appointment.technician_id == technician.id and appointment.day == day
                        ],
                        absences=[
                            absence
                            for absence in absences
                            if absence.technician_id == technician.id
                            and _overlaps(absence, start, end)
                        ],
                        working=any(hours.weekday == day.weekday() for hours in technician.hours),
                    )
                    for technician in technicians
                ],
            )
        )
    return WeekAgenda(first=first, last=last, technicians=technicians, rows=rows)


# One appointment


def appointment_with_history(appointment_id: int) -> Appointment | None:
    """The appointment with its service, technician and audit trail (and who acted) loaded."""
    return db.session.scalar(
        select(Appointment)
        .options(
            joinedload(Appointment.service_type),
            joinedload(Appointment.technician),
            selectinload(Appointment.events).joinedload(AppointmentEvent.user),
        )
        .where(Appointment.id == appointment_id)
    )


def photo_list(appointment_id: int) -> list:
    """The photos' metadata without their bytes, which only the photo endpoint needs."""
    return list(
        db.session.execute(
            select(
                AppointmentPhoto.id,
                AppointmentPhoto.width,
                AppointmentPhoto.height,
                AppointmentPhoto.created_at,
            )
            .where(AppointmentPhoto.appointment_id == appointment_id)
            .order_by(AppointmentPhoto.created_at, AppointmentPhoto.id)
        )
    )


def photo_of(appointment_id: int, photo_id: int) -> AppointmentPhoto | None:
    """The photo, only if it belongs to that appointment: ids in URLs are easy to change."""
    return db.session.scalar(
        select(AppointmentPhoto).where(
            AppointmentPhoto.id == photo_id, AppointmentPhoto.appointment_id == appointment_id
        )
    )


def reassign_candidates(appointment: Appointment) -> list[Technician]:
    """Other active technicians who do the appointment's service."""
    return list(
        db.session.scalars(
            select(Technician)
            .where(
                Technician.active.is_(True),
                Technician.services.contains(appointment.service_type),
                Technician.id != appointment.technician_id,
            )
            .order_by(Technician.name, Technician.id)
        )
    )


def clashing_appointment(appointment: Appointment, technician: Technician) -> Appointment | None:
    """The technician's appointment in the same windows, to name it when refusing a
    reassignment; the unique key still decides when two dispatchers act at once."""
    return db.session.scalar(
        select(Appointment)
        .join(OccupiedWindow, OccupiedWindow.appointment_id == Appointment.id)
        .where(
            OccupiedWindow.technician_id == technician.id,
            OccupiedWindow.day == appointment.day,
            OccupiedWindow.window >= appointment.first_window,
            OccupiedWindow.window < appointment.first_window + appointment.window_count,
            Appointment.id != appointment.id,
        )
        .limit(1)
    )


def unavailable(technician: Technician, appointment: Appointment) -> bool:
    """Whether the technician is off or absent during the visit. ``scheduling.reassign`` only
    checks the windows already taken, so the dispatcher gets a warning for the rest."""
    rules = scheduling.rules()
    windows = rules.windows[
        appointment.first_window : appointment.first_window + appointment.window_count
    ]
    weekday = appointment.day.weekday()
    if not all(_works(technician, weekday, window.start, window.end) for window in windows):
        return True
    absent = db.session.scalar(
        select(Absence.id).where(
            Absence.technician_id == technician.id,
            Absence.starts_at < appointment.ends_at,
            Absence.ends_at > appointment.starts_at,
        )
    )
    return absent is not None


def change_status(
    appointment: Appointment, status: Status, user: User | None, note: str = ""
) -> bool:
    """Set the status with an audit entry; return whether it changed.

    :raises scheduling.CannotReopen: for a cancelled appointment.
    """
    return scheduling.set_status(appointment, status, user, note.strip())


def customer_of(appointment: Appointment) -> dict:
    """The customer's details, to start a new phone booking for the same person and place."""
    return {
        "service": appointment.service_type_id,
        "postcode": appointment.postcode,
        "name": appointment.customer_name,
        "email": appointment.email,
        "phone": appointment.phone,
        "street": appointment.street,
        "city": appointment.city,
        "device_type": appointment.device_type,
        "brand": appointment.brand,
        "model": appointment.model,
    }


def free_windows(service: ServiceType, postcode: str, day: date) -> list[availability.Slot]:
    """The day's bookable windows for a phone booking.

    :raises scheduling.NotCovered: when no active technician does the service there, which an
        empty list would not tell apart from a full day.
    """
    if not scheduling.covering_technicians(service, postcode):
        raise scheduling.NotCovered(postcode)
    return scheduling.free_slots(service, postcode, day, day)


# The export


def _local(moment: datetime) -> datetime:
    return moment.astimezone(scheduling.TIMEZONE)


def export_csv(first: date, last: date) -> str:
    """All appointments of the days, times in local time; one row each, cancelled ones too."""
    rules = scheduling.rules()
    rows = []
    for appointment in appointments_between(first, last):
        start, end = availability.window_times(appointment.day, appointment.first_window, rules)
        device = " ".join(
            part for part in (appointment.device_type, appointment.brand, appointment.model) if part
        )
        rows.append(
            (
                appointment.reference,
                appointment.day.isoformat(),
                f"{start:%H:%M}-{end:%H:%M}",
                appointment.status.value,
                appointment.technician.name,
                appointment.service_type.name_de,
                appointment.customer_name,
                appointment.phone,
                appointment.email,
                appointment.street,
                appointment.postcode,
                appointment.city,
                device,
                appointment.problem,
                appointment.source,
                f"{_local(appointment.created_at):%Y-%m-%d %H:%M}",
            )
        )
    return csv_text(EXPORT_HEADER, rows)


# Technicians and their hours


def parse_prefixes(text: str) -> list[str]:
    """``"20, 21,22"`` as ``["20", "21", "22"]``, duplicates dropped.

    :raises ValueError: naming the first part that is not 1 to 5 digits.
    """
    prefixes: list[str] = []
    for part in (part.strip() for part in (text or "").split(",")):
        if not part:
            continue
        if not PREFIX.match(part):
            raise ValueError(part)
        if part not in prefixes:
            prefixes.append(part)
    return prefixes


def parse_hours(text: str) -> list[tuple[time, time]]:
    """``"08:00-12:00, 13:00-17:00"`` as sorted intervals; empty text is a day off.

    :raises HoursError: for a malformed interval, one that ends before it starts, or overlaps.
    """
    intervals = []
    for part in (part.strip() for part in (text or "").split(",")):
        if not part:
            continue
        match = INTERVAL.match(part)
        if not match:
            raise HoursError("format", part)
        hour, minute, end_hour, end_minute = (int(value) for value in match.groups())
        try:
            start, end = time(hour, minute), time(end_hour, end_minute)
        except ValueError as error:
            raise HoursError("format", part) from error
        if start >= end:
            raise HoursError("order", part)
        intervals.append((start, end))
    intervals.sort()
    for (_, previous_end), (start, end) in pairwise(intervals):
        if start < previous_end:
            raise HoursError("overlap", format_hours([(start, end)]))
    return intervals


def format_hours(intervals: list[tuple[time, time]]) -> str:
    return ", ".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in intervals)


def weekly_hours(technician: Technician) -> dict[int, str]:
    """Per weekday (0 = Monday) the hours as the form shows them; days off are empty."""
    by_day: dict[int, list[tuple[time, time]]] = {weekday: [] for weekday in range(7)}
    for hours in technician.hours:
        by_day[hours.weekday].append((hours.starts, hours.ends))
    return {weekday: format_hours(sorted(intervals)) for weekday, intervals in by_day.items()}


@dataclass(frozen=True)
class TechnicianData:
    name: str
    active: bool
    prefixes: list[str]
    service_ids: list[int]
    hours: dict[int, list[tuple[time, time]]]


def save_technician(technician: Technician | None, data: TechnicianData) -> Technician:
    """Create or update a technician; the weekly hours replace the old ones entirely."""
    if technician is None:
        technician = Technician()
        db.session.add(technician)
    technician.name = data.name.strip()
    technician.active = data.active
    technician.postcode_prefixes = ", ".join(data.prefixes)
    technician.services = list(
        db.session.scalars(select(ServiceType).where(ServiceType.id.in_(data.service_ids)))
    )
    technician.hours = [
        WorkingHours(weekday=weekday, starts=start, ends=end)
        for weekday, intervals in sorted(data.hours.items())
        for start, end in intervals
    ]
    db.session.commit()
    return technician


def set_active(item: Technician | ServiceType, active: bool) -> None:
    item.active = active
    db.session.commit()


# Absences


def absences_of(
    technician: Technician, now: datetime | None = None
) -> tuple[list[Absence], list[Absence]]:
    """Current and coming absences (soonest first), then past ones (latest first)."""
    now = now or utcnow()
    current = [absence for absence in technician.absences if absence.ends_at > now]
    past = [absence for absence in technician.absences if absence.ends_at <= now]
    return current, past[::-1]


def absence_of(technician_id: int, absence_id: int) -> Absence | None:
    return db.session.scalar(
        select(Absence).where(Absence.id == absence_id, Absence.technician_id == technician_id)
    )


def add_absence(
    technician: Technician, kind: AbsenceKind, starts_at: datetime, ends_at: datetime, note: str
) -> Absence:
    absence = Absence(
        technician_id=technician.id,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note.strip()[:200],
    )
    db.session.add(absence)
    db.session.commit()
    return absence


def delete_absence(absence: Absence) -> None:
    db.session.delete(absence)
    db.session.commit()


def open_appointments_during(
    technician_id: int, starts_at: datetime, ends_at: datetime
) -> list[Appointment]:
    """Open visits an absence falls on: the absence does not move them, a dispatcher must."""
    return list(
        db.session.scalars(
            select(Appointment)
            .where(
                Appointment.technician_id == technician_id,
                Appointment.status.in_(OPEN_STATUSES),
                Appointment.starts_at < ends_at,
                Appointment.ends_at > starts_at,
            )
            .order_by(Appointment.starts_at)
        )
    )


# Service types


@dataclass(frozen=True)
class ServiceData:
    name_de: str
    name_en: str
    kind: ServiceKind
    duration_minutes: int
    buffer_before_minutes: int
    buffer_after_minutes: int
    needs_description: bool
    active: bool


def all_services() -> list[ServiceType]:
    return list(
        db.session.scalars(
            select(ServiceType).order_by(
                ServiceType.active.desc(), ServiceType.name_de, ServiceType.id
            )
        )
    )


def save_service(service: ServiceType | None, data: ServiceData) -> ServiceType:
    if service is None:
        service = ServiceType()
        db.session.add(service)
    service.name_de = data.name_de.strip()
    service.name_en = data.name_en.strip()
    service.kind = data.kind
    service.duration_minutes = data.duration_minutes
    service.buffer_before_minutes = data.buffer_before_minutes
    service.buffer_after_minutes = data.buffer_after_minutes
    service.needs_description = data.needs_description
    service.active = data.active
    db.session.commit()
    return service


def fits_a_day(service: ServiceType) -> bool:
    """Whether the service with its buffers fits into one day's windows; if not, no customer
    can ever book it, which the form cannot see from the numbers alone."""
    rules = scheduling.rules()
    return availability.windows_needed(service.total_minutes, rules) <= len(rules.windows)


@dataclass(frozen=True)
class NetworkBookings:
    """Today's open online bookings from one client network, oldest first."""

    key: str
    appointments: list[Appointment]


def online_today_by_network(now: datetime | None = None) -> list[NetworkBookings]:
    """Today's open online bookings grouped by client network, most first: made-up customers
    filling the calendar from one network stand at the top."""
    found = db.session.scalars(
        select(Appointment)
        .where(Appointment.network_key != "", *scheduling.booked_today(now))
        .options(joinedload(Appointment.service_type))
        .order_by(Appointment.created_at)
    )
    groups: dict[str, list[Appointment]] = {}
    for appointment in found:
        groups.setdefault(appointment.network_key, []).append(appointment)
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[1][0].created_at))
    return [NetworkBookings(key, appointments) for key, appointments in ordered]


def cancel_from_network(network: str, user: User) -> list[Appointment]:
    """Cancel every open online booking made today from ``network``, each with its audit
    entry; returns those this call cancelled (another change may have come first)."""
    cancelled = []
    flood = select(Appointment).where(
        Appointment.network_key == network, *scheduling.booked_today()
    )
    for appointment in db.session.scalars(flood.order_by(Appointment.created_at)).all():
        try:
            if scheduling.set_status(appointment, Status.CANCELLED, user, "network"):
                cancelled.append(appointment)
        except scheduling.CannotReopen:
            continue
    return cancelled
