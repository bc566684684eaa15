"""iCalendar (.ics) invitations for technician appointments.

Customers book from Outlook, Google and Apple mail alike, so the file follows RFC 5545 and the
iTIP methods of RFC 5546: one VEVENT per appointment, identified by a stable UID, with SEQUENCE
counting its revisions so a reschedule or a cancellation replaces the entry the customer already
has. Times are written as Europe/Berlin wall-clock times with a VTIMEZONE, because that is what
the technician and the customer agreed on and what stays right across daylight saving time.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress

TIMEZONE = "Europe/Berlin"
PRODID = "-//Kundenportal//Terminbuchung//DE"
METHOD_STATUS = {"REQUEST": "CONFIRMED", "CANCEL": "CANCELLED"}


@dataclass(frozen=True)
class CalendarEvent:
    """One appointment as a calendar sees it; ``start`` and ``end`` are aware datetimes."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    description: str
    location: str
    organizer_email: str
    organizer_name: str
    attendee_email: str
    attendee_name: str
    created: datetime

    def __post_init__(self) -> None:
        # A naive time would silently take the server's zone and shift the appointment.
        for name in ("start", "end", "created"):
            if getattr(self, name).utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("end must be after start")


def _timezone(start: datetime, end: datetime) -> Timezone:
    """Build the VTIMEZONE for the calendar years of the event, so both DST changes are listed."""
    return Timezone.from_tzid(
        TIMEZONE, first_date=date(start.year, 1, 1), last_date=date(end.year + 1, 1, 1)
    )


def appointment_ics(event: CalendarEvent, method: str, now: datetime) -> bytes:
    """Return the .ics file for ``event``: ``method`` is "REQUEST" (book, move) or "CANCEL".

    ``now`` becomes DTSTAMP, the time this version of the invitation was made.

    :raises ValueError: for another method or a naive ``now``.
    """
    if method not in METHOD_STATUS:
        raise ValueError(f"unsupported calendar method {method!r}")
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    zone = ZoneInfo(TIMEZONE)
    start = event.start.astimezone(zone)
    end = event.end.astimezone(zone)

    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", now.astimezone(UTC))
    vevent.add("created", event.created.astimezone(UTC))
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    vevent.add("summary", event.summary)
    vevent.add("description", event.description)
    vevent.add("location", event.location)
    vevent.add("status", METHOD_STATUS[method])
    vevent.add("organizer", vCalAddress.new(event.organizer_email, cn=event.organizer_name))
    vevent.add(
        "attendee",
        vCalAddress.new(
            event.attendee_email, cn=event.attendee_name, role="REQ-PARTICIPANT", rsvp=False
        ),
    )

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(_timezone(start, end))
    calendar.add_component(vevent)
    return calendar.to_ical()
