from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject

from booking.calendar import CalendarEvent, appointment_ics

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
EVENT = CalendarEvent(
    uid="termin-42@portal.example",
    sequence=0,
    start=datetime(2027, 3, 29, 8, 0, tzinfo=BERLIN),
    end=datetime(2027, 3, 29, 10, 0, tzinfo=BERLIN),
    summary="Wartung Gastherme; Küche, Bad",
    description="Bitte Zugang zum Heizungsraum ermöglichen; Zählerstand, Ölstand notieren.\n"
    "Größere Schäden melden wir vorab.",
    location="Hauptstraße 5, 20095 Hamburg",
    organizer_email="service@portal.example",
    organizer_name="Nordlicht Haustechnik, Kundendienst",
    attendee_email="kunde@example.org",
    attendee_name="Jürgen Müller; Haus B",
    created=datetime(2027, 2, 20, 14, 5, tzinfo=UTC),
)


def _parse(event=EVENT, method="REQUEST", now=NOW):
    return vobject.readOne(appointment_ics(event, method, now).decode("utf-8"))


def test_request_carries_the_calendar_header_and_identity():
    calendar = _parse()
    assert calendar.prodid.value
    assert calendar.version.value == "2.0"
    assert calendar.method.value == "REQUEST"
    event = calendar.vevent
    assert event.uid.value == "termin-42@portal.example"
    assert event.sequence.value == "0"
    assert event.status.value == "CONFIRMED"
    assert event.dtstamp.value == NOW
    assert event.dtstamp.value.utcoffset() == timedelta(0)
    assert event.created.value == datetime(2027, 2, 20, 14, 5, tzinfo=UTC)


def test_times_are_berlin_wall_clock_with_a_timezone_definition():
    raw = appointment_ics(EVENT, "REQUEST", NOW).decode("utf-8")
    assert "DTSTART;TZID=Europe/Berlin:20270329T080000\r\n" in raw
    assert "DTEND;TZID=Europe/Berlin:20270329T100000\r\n" in raw
    calendar = vobject.readOne(raw)
    assert [zone.tzid.value for zone in calendar.vtimezone_list] == ["Europe/Berlin"]
    assert calendar.vevent.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/Berlin"]


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        (datetime(2027, 3, 26, 8, 0), datetime(2027, 3, 26, 7, 0)),  # before the spring change
        (datetime(2027, 3, 29, 8, 0), datetime(2027, 3, 29, 6, 0)),  # summer time
        (datetime(2027, 10, 29, 8, 0), datetime(2027, 10, 29, 6, 0)),  # still summer time
        (datetime(2027, 11, 1, 8, 0), datetime(2027, 11, 1, 7, 0)),  # winter time again
        (datetime(2027, 12, 31, 23, 0), datetime(2027, 12, 31, 22, 0)),  # ends the next year
    ],
)
def test_start_and_end_are_the_intended_instants_across_daylight_saving(local, utc):
    start = local.replace(tzinfo=BERLIN)
    event = _parse(replace(EVENT, start=start, end=start + timedelta(hours=2))).vevent
    assert event.dtstart.value.astimezone(UTC) == utc.replace(tzinfo=UTC)
    assert event.dtend.value.astimezone(UTC) == (utc + timedelta(hours=2)).replace(tzinfo=UTC)


def test_start_given_in_utc_is_written_as_berlin_time():
    start = datetime(2027, 11, 1, 7, 0, tzinfo=UTC)
    raw = appointment_ics(
        replace(EVENT, start=start, end=start + timedelta(hours=1)), "REQUEST", NOW
    )
    assert b"DTSTART;TZID=Europe/Berlin:20271101T080000\r\n" in raw


def test_cancel_keeps_the_uid_and_raises_the_sequence():
    request = _parse().vevent
    cancel_calendar = _parse(replace(EVENT, sequence=1), method="CANCEL")
    cancel = cancel_calendar.vevent
    assert cancel_calendar.method.value == "CANCEL"
    assert cancel.status.value == "CANCELLED"
    assert cancel.uid.value == request.uid.value
    assert int(cancel.sequence.value) == int(request.sequence.value) + 1


def test_text_with_umlauts_commas_and_semicolons_survives_the_round_trip():
    raw = appointment_ics(EVENT, "REQUEST", NOW)
    assert b"LOCATION:Hauptstra\xc3\x9fe 5\\, 20095 Hamburg\r\n" in raw
    event = vobject.readOne(raw.decode("utf-8")).vevent
    assert event.summary.value == "Wartung Gastherme; Küche, Bad"
    assert event.description.value == EVENT.description
    assert event.location.value == "Hauptstraße 5, 20095 Hamburg"


def test_organizer_and_attendee_are_mail_addresses_with_names():
    event = _parse().vevent
    assert event.organizer.value == "mailto:service@portal.example"
    assert event.organizer.params["CN"] == ["Nordlicht Haustechnik, Kundendienst"]
    assert event.attendee.value == "mailto:kunde@example.org"
    assert event.attendee.params["CN"] == ["Jürgen Müller; Haus B"]
    assert event.attendee.params["ROLE"] == ["REQ-PARTICIPANT"]
    assert event.attendee.params["RSVP"] == ["FALSE"]


def test_long_lines_are_folded_with_crlf():
    raw = appointment_ics(
        replace(EVENT, description="Sehr lange Beschreibung " * 10), "REQUEST", NOW
    )
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)


@pytest.mark.parametrize(
    ("method", "now"),
    [("PUBLISH", NOW), ("REQUEST", datetime(2027, 3, 1, 9, 30))],
)
def test_unsupported_method_or_naive_now_is_refused(method, now):
    with pytest.raises(ValueError):
        appointment_ics(EVENT, method, now)


@pytest.mark.parametrize(
    "change",
    [
        {"start": datetime(2027, 3, 29, 8, 0)},
        {"created": datetime(2027, 2, 20, 14, 5)},
        {"end": datetime(2027, 3, 29, 8, 0, tzinfo=BERLIN)},
    ],
)
def test_naive_times_and_events_without_duration_are_refused(change):
    with pytest.raises(ValueError):
        replace(EVENT, **change)
