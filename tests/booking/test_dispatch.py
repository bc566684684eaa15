"""The dispatcher's pages: agenda, one appointment and its changes, phone bookings, the export,
and the technicians, absences and service types behind the booking."""

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from booking import agenda, scheduling
from booking.models import (
    Absence,
    AbsenceKind,
    Appointment,
    AppointmentPhoto,
    OccupiedWindow,
    ServiceKind,
    ServiceType,
    Status,
    Technician,
    WorkingHours,
)
from portal.extensions import db
from portal.mail import outbox_folder, read_outbox
from portal.models import AuditEntry, user_by_email
from tests.helpers.database import sql_statements
from tests.helpers.staff import login

SHIFTS = ((time(8), time(12)), (time(13), time(17)))
CUSTOMER = {
    "name": "Erika Mustermann",
    "email": "erika@example.org",
    "phone": "040 1234567",
    "street": "Hauptstraße 1",
    "city": "Hamburg",
}


def _working_day() -> date:
    """A day far enough ahead for the 24 hours' notice that is not a public holiday."""
    day = scheduling.local_today() + timedelta(days=3)
    while scheduling.holidays_between(day, day):
        day += timedelta(days=1)
    return day


@pytest.fixture
def plan(app):
    """One service type and two technicians covering "20" every day, morning and afternoon."""
    with app.app_context():
        service = ServiceType(
            name_de="Heizungswartung",
            name_en="Heating maintenance",
            kind=ServiceKind.MAINTENANCE,
            duration_minutes=60,
            buffer_before_minutes=15,
            buffer_after_minutes=15,
            needs_description=False,
        )
        technicians = [
            Technician(
                name=name,
                postcode_prefixes="20",
                services=[service],
                hours=[
                    WorkingHours(weekday=weekday, starts=start, ends=end)
                    for weekday in range(7)
                    for start, end in SHIFTS
                ],
            )
            for name in ("Anna Berg", "Jonas Kühn")
        ]
        db.session.add_all([service, *technicians])
        db.session.commit()
        return SimpleNamespace(
            service=service.id,
            anna=technicians[0].id,
            jonas=technicians[1].id,
            day=_working_day(),
        )


@pytest.fixture
def dispatcher(client, staff):
    login(client, staff["dispatcher"])
    client.set_cookie("lang", "en")
    return client


def book(app, plan, window=0, name="Erika Mustermann", service_id=None) -> SimpleNamespace:
    """Book online through the scheduling rules; returns what the tests compare against.
    These tests give one customer more visits than the online form would."""
    app.config["BOOKING_OPEN_PER_CUSTOMER"] = 1000
    with app.app_context():
        appointment = scheduling.book(
            db.session.get(ServiceType, service_id or plan.service),
            scheduling.Customer(
                name=name,
                email="kunde@example.org",
                phone="040 1234567",
                street="Hauptstraße 1",
                postcode="20095",
                city="Hamburg",
                device_type="Gastherme",
                brand="Vaillant",
                model="ecoTEC plus",
                problem="Jährliche Wartung",
            ),
            plan.day,
            window,
        )
        return SimpleNamespace(
            id=appointment.id,
            reference=appointment.reference,
            technician_id=appointment.technician_id,
        )


def stored(app, appointment_id) -> Appointment:
    with app.app_context():
        appointment = db.session.get(Appointment, appointment_id)
        db.session.expunge(appointment)
        return appointment


def windows_free_for(app, plan) -> dict[int, tuple[int, ...]]:
    """The day's free windows with the technicians who could take each."""
    with app.app_context():
        service = db.session.get(ServiceType, plan.service)
        slots = scheduling.free_slots(service, "20095", plan.day, plan.day)
        return {slot.window: slot.technicians for slot in slots}


def test_day_agenda_shows_every_technician_and_filters_by_one(app, plan, dispatcher):
    first = book(app, plan, window=0, name="Erika Mustermann")
    second = book(app, plan, window=0, name="Max Meier")
    assert {first.technician_id, second.technician_id} == {plan.anna, plan.jonas}

    page = dispatcher.get(f"/staff/termine/?tag={plan.day}").get_data(as_text=True)
    for expected in (first.reference, second.reference, "Erika Mustermann", "Max Meier"):
        assert expected in page
    assert "Anna Berg" in page and "Jonas Kühn" in page and "20095" in page
    assert "Heating maintenance" in page and "08:00–10:00" in page

    jonas_only = dispatcher.get(f"/staff/termine/?tag={plan.day}&techniker={plan.jonas}")
    text = jonas_only.get_data(as_text=True)
    mine = first if first.technician_id == plan.jonas else second
    other = second if mine is first else first
    assert mine.reference in text and other.reference not in text


def test_agenda_queries_do_not_grow_with_the_appointments(app, plan, dispatcher):
    def queries(url):
        with sql_statements(app) as statements:
            assert dispatcher.get(url).status_code == 200
        return len(statements)

    book(app, plan, window=0)
    urls = (f"/staff/termine/?tag={plan.day}", f"/staff/termine/woche?ab={plan.day}")
    before = [queries(url) for url in urls]
    assert min(before) > 0
    # Service types of their own that no technician offers any more: loading them lazily
    # could not hide behind the technicians' services already in the session.
    with app.app_context():
        services = [
            ServiceType(
                name_de=f"Reparatur {window}",
                name_en=f"Repair {window}",
                kind=ServiceKind.REPAIR,
                duration_minutes=60,
            )
            for window in (1, 2, 3)
        ]
        for technician in db.session.scalars(select(Technician)):
            technician.services.extend(services)
        db.session.commit()
        service_ids = [service.id for service in services]
    for window, service_id in zip((1, 2, 3), service_ids, strict=True):
        book(app, plan, window=window, name=f"Kunde {window}", service_id=service_id)
    with app.app_context():
        for technician in db.session.scalars(select(Technician)):
            technician.services = [db.session.get(ServiceType, plan.service)]
        db.session.commit()
    assert [queries(url) for url in urls] == before


def test_day_agenda_defaults_to_today_and_survives_a_bad_date(app, plan, dispatcher):
    response = dispatcher.get("/staff/termine/?tag=gestern")
    assert response.status_code == 200
    with app.app_context():
        today = scheduling.local_today()
    assert f'datetime="{today.isoformat()}"' in response.get_data(as_text=True)
    assert dispatcher.get("/staff/termine/?tag=9999-12-31").status_code == 200


def test_week_agenda_shows_monday_to_sunday_and_filters_by_technician(app, plan, dispatcher):
    first = book(app, plan, window=0)
    second = book(app, plan, window=0, name="Max Meier")
    page = dispatcher.get(f"/staff/termine/woche?ab={plan.day}").get_data(as_text=True)
    monday = agenda.week_start(plan.day)
    for offset in range(7):
        assert f'datetime="{monday + timedelta(days=offset)}"' in page
    assert first.reference in page and second.reference in page

    anna_only = dispatcher.get(f"/staff/termine/woche?ab={plan.day}&techniker={plan.anna}")
    text = anna_only.get_data(as_text=True)
    for appointment in (first, second):
        assert (appointment.reference in text) == (appointment.technician_id == plan.anna)


def test_detail_shows_customer_device_and_audit_trail(app, plan, dispatcher):
    appointment = book(app, plan)
    page = dispatcher.get(f"/staff/termine/{appointment.id}").get_data(as_text=True)
    for expected in (
        appointment.reference,
        "Erika Mustermann",
        "Hauptstraße 1",
        "Gastherme",
        "Vaillant",
        "Jährliche Wartung",
        "booked",
        "online",
    ):
        assert expected in page
    assert dispatcher.get("/staff/termine/999999").status_code == 404


def test_status_change_is_logged_and_cancelling_frees_the_window(app, plan, dispatcher, staff):
    appointment = book(app, plan, window=0)
    book(app, plan, window=0, name="Max Meier")
    assert 0 not in windows_free_for(app, plan)

    url = f"/staff/termine/{appointment.id}/status"
    response = dispatcher.post(url, data={"status": "cancelled", "note": "Kunde hat abgesagt"})
    assert response.headers["Location"] == f"/staff/termine/{appointment.id}"

    with app.app_context():
        found = db.session.get(Appointment, appointment.id)
        assert found.status is Status.CANCELLED
        event = found.events[-1]
        assert event.action == "status"
        assert event.detail == "requested → cancelled: Kunde hat abgesagt"
        assert event.user_id == user_by_email(staff["dispatcher"]).id
        messages = read_outbox(outbox_folder(app))
    assert appointment.technician_id in windows_free_for(app, plan)[0]
    assert [message["To"] for message in messages] == ["kunde@example.org"]
    assert appointment.reference in messages[0]["Subject"]

    page = dispatcher.get(f"/staff/termine/{appointment.id}").get_data(as_text=True)
    assert "Kunde hat abgesagt" in page and "Dispatcher" in page

    dispatcher.post(url, data={"status": "confirmed"})
    assert stored(app, appointment.id).status is Status.CANCELLED


def test_appointment_changes_by_staff_reach_the_staff_audit_log(app, plan, dispatcher, staff):
    appointment = book(app, plan, window=0)
    dispatcher.post(f"/staff/termine/{appointment.id}/status", data={"status": "confirmed"})
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry)).all()
        assert (entry.action, entry.target) == ("appointment.status", appointment.reference)
        assert entry.actor_id == user_by_email(staff["dispatcher"]).id
    admin = app.test_client()
    login(admin, staff["admin"])
    page = admin.get("/staff/audit/").get_data(as_text=True)
    assert "Terminstatus geändert" in page and appointment.reference in page


def test_status_change_refuses_an_unknown_status(app, plan, dispatcher):
    appointment = book(app, plan)
    dispatcher.post(f"/staff/termine/{appointment.id}/status", data={"status": "lost"})
    assert stored(app, appointment.id).status is Status.REQUESTED


def test_reassign_moves_the_appointment_and_refuses_a_busy_technician(app, plan, dispatcher):
    moving = book(app, plan, window=1)
    other = plan.jonas if moving.technician_id == plan.anna else plan.anna
    response = dispatcher.post(
        f"/staff/termine/{moving.id}/techniker", data={"technician": str(other)}
    )
    assert response.headers["Location"] == f"/staff/termine/{moving.id}"
    with app.app_context():
        found = db.session.get(Appointment, moving.id)
        assert found.technician_id == other
        assert found.events[-1].action == "reassigned"
        rows = db.session.scalars(
            select(OccupiedWindow).where(OccupiedWindow.appointment_id == moving.id)
        ).all()
        assert {row.technician_id for row in rows} == {other}

    first = book(app, plan, window=0)
    second = book(app, plan, window=0, name="Max Meier")
    page = dispatcher.post(
        f"/staff/termine/{first.id}/techniker",
        data={"technician": str(second.technician_id)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert stored(app, first.id).technician_id == first.technician_id
    assert "flash-error" in page


def test_phone_booking_lists_windows_then_books_a_confirmed_phone_appointment(
    app, plan, dispatcher, staff
):
    search = {"service": str(plan.service), "postcode": "20095", "day": plan.day.isoformat()}
    page = dispatcher.post("/staff/termine/neu", data={**search, "action": "windows"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "08:00–10:00" in text and "15:00–17:00" in text

    response = dispatcher.post(
        "/staff/termine/neu",
        data={**search, **CUSTOMER, "window": "2", "action": "windows"},
    )
    assert 'value="Erika Mustermann"' in response.get_data(as_text=True)
    response = dispatcher.post(
        "/staff/termine/neu",
        data={**search, **CUSTOMER, "window": "2", "action": "book"},
    )
    with app.app_context():
        appointment = db.session.scalar(select(Appointment))
        assert response.headers["Location"] == f"/staff/termine/{appointment.id}"
        assert appointment.source == "phone"
        assert appointment.status is Status.CONFIRMED
        assert (appointment.customer_name, appointment.first_window) == ("Erika Mustermann", 2)
        assert appointment.events[0].user_id == user_by_email(staff["dispatcher"]).id
        assert [m["To"] for m in read_outbox(outbox_folder(app))] == ["erika@example.org"]


def test_phone_booking_that_lost_its_window_keeps_what_was_typed(app, plan, dispatcher):
    book(app, plan, window=0)
    book(app, plan, window=0, name="Max Meier")
    data = {
        "service": str(plan.service),
        "postcode": "20095",
        "day": plan.day.isoformat(),
        **CUSTOMER,
        "problem": "Heizung bleibt kalt",
        "window": "0",
        "action": "book",
    }
    response = dispatcher.post("/staff/termine/neu", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for typed in ("Erika Mustermann", "Hauptstraße 1", "Heizung bleibt kalt", "040 1234567"):
        assert typed in page
    assert 'id="window-error"' in page
    assert '<option value="1">' in page and '<option value="0"' not in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Appointment.id))) == 2


def test_phone_booking_names_an_uncovered_postcode(app, plan, dispatcher):
    data = {"service": str(plan.service), "postcode": "80331", "day": plan.day.isoformat()}
    page = dispatcher.post("/staff/termine/neu", data={**data, "action": "windows"})
    text = page.get_data(as_text=True)
    assert 'id="postcode-error"' in text and 'value="80331"' in text


def test_phone_booking_can_start_from_an_earlier_appointment(app, plan, dispatcher):
    earlier = book(app, plan)
    page = dispatcher.get(f"/staff/termine/neu?vorlage={earlier.id}").get_data(as_text=True)
    assert 'value="Erika Mustermann"' in page and 'value="20095"' in page


def test_photo_is_served_privately_and_only_for_its_appointment(app, plan, dispatcher):
    first = book(app, plan, window=0)
    second = book(app, plan, window=1, name="Max Meier")
    with app.app_context():
        photos = [
            AppointmentPhoto(
                appointment_id=appointment.id,
                content_type="image/png",
                data=b"\x89PNG fake " + appointment.reference.encode(),
                width=640,
                height=480,
            )
            for appointment in (first, second)
        ]
        db.session.add_all(photos)
        db.session.commit()
        mine, foreign = photos[0].id, photos[1].id

    response = dispatcher.get(f"/staff/termine/{first.id}/foto/{mine}")
    assert response.status_code == 200
    assert response.data == b"\x89PNG fake " + first.reference.encode()
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert dispatcher.get(f"/staff/termine/{first.id}/foto/{foreign}").status_code == 404
    page = dispatcher.get(f"/staff/termine/{first.id}").get_data(as_text=True)
    assert f"/staff/termine/{first.id}/foto/{mine}" in page


def test_export_lists_the_range_as_csv(app, plan, dispatcher):
    first = book(app, plan, window=0)
    second = book(app, plan, window=3, name="=Max Meier")
    response = dispatcher.get(f"/staff/termine/export.csv?von={plan.day}&bis={plan.day}")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == agenda.EXPORT_HEADER
    by_reference = {row["reference"]: row for row in rows}
    assert set(by_reference) == {first.reference, second.reference}
    row = by_reference[first.reference]
    assert row["day"] == plan.day.isoformat() and row["window"] == "08:00-10:00"
    assert (row["status"], row["service"], row["source"]) == (
        "requested",
        "Heizungswartung",
        "online",
    )
    assert row["device"] == "Gastherme Vaillant ecoTEC plus"
    assert by_reference[second.reference]["window"] == "15:00-17:00"
    assert by_reference[second.reference]["customer"] == "'=Max Meier"

    later = plan.day + timedelta(days=1)
    empty = dispatcher.get(f"/staff/termine/export.csv?von={later}&bis={later}")
    assert len(empty.get_data(as_text=True).splitlines()) == 1
    assert dispatcher.get("/staff/termine/export.csv").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "von=gestern",
        "bis=2025-13-01",
        "von=2025-03-10&bis=2025-03-01",
        "von=2020-01-01&bis=2024-01-01",
    ],
)
def test_export_explains_a_bad_range(dispatcher, query):
    response = dispatcher.get(f"/staff/termine/export.csv?{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("08:00-12:00, 13:00-17:00", [(time(8), time(12)), (time(13), time(17))]),
        ("13:00-17:00,8:00–12:00", [(time(8), time(12)), (time(13), time(17))]),
        ("08:00-12:00, 12:00-16:00", [(time(8), time(12)), (time(12), time(16))]),
        ("8 bis 12", "format"),
        ("25:00-26:00", "format"),
        ("12:00-08:00", "order"),
        ("08:00-08:00", "order"),
        ("08:00-12:00, 11:00-13:00", "overlap"),
    ],
)
def test_parse_hours(text, expected):
    if isinstance(expected, str):
        with pytest.raises(agenda.HoursError) as caught:
            agenda.parse_hours(text)
        assert caught.value.code == expected
    else:
        assert agenda.parse_hours(text) == expected


TECHNICIAN = {
    "name": "Lena Voss",
    "active": "y",
    "prefixes": "22, 23,22",
    "monday": "08:00-12:00, 13:00-17:00",
    "saturday": "08:00-12:00",
}


def test_technician_is_created_and_edited_with_hours_checked(app, plan, dispatcher):
    page = dispatcher.post(
        "/staff/techniker/neu",
        data={**TECHNICIAN, "services": [str(plan.service)], "tuesday": "13:00-12:00"},
    ).get_data(as_text=True)
    assert 'id="tuesday-error"' in page and 'value="13:00-12:00"' in page
    assert 'value="Lena Voss"' in page
    page = dispatcher.post(
        "/staff/techniker/neu", data={**TECHNICIAN, "prefixes": "22, 2a"}
    ).get_data(as_text=True)
    assert 'id="prefixes-error"' in page

    response = dispatcher.post(
        "/staff/techniker/neu", data={**TECHNICIAN, "services": [str(plan.service)]}
    )
    with app.app_context():
        technician = db.session.scalar(select(Technician).where(Technician.name == "Lena Voss"))
        assert response.headers["Location"] == f"/staff/techniker/{technician.id}"
        assert technician.prefixes == ["22", "23"] and technician.active
        assert [service.id for service in technician.services] == [plan.service]
        assert [(h.weekday, h.starts, h.ends) for h in technician.hours] == [
            (0, time(8), time(12)),
            (0, time(13), time(17)),
            (5, time(8), time(12)),
        ]
        technician_id = technician.id

    form = dispatcher.get(f"/staff/techniker/{technician_id}").get_data(as_text=True)
    assert 'value="08:00-12:00, 13:00-17:00"' in form and 'value="22, 23"' in form
    dispatcher.post(
        f"/staff/techniker/{technician_id}",
        data={"name": "Lena Voß", "prefixes": "22", "sunday": "09:00-11:00"},
    )
    with app.app_context():
        technician = db.session.get(Technician, technician_id)
        assert (technician.name, technician.active, technician.services) == ("Lena Voß", False, [])
        assert [(h.weekday, h.starts, h.ends) for h in technician.hours] == [(6, time(9), time(11))]
    assert "Lena Voß" in dispatcher.get("/staff/techniker/").get_data(as_text=True)


def test_technician_list_activates_and_deactivates(app, plan, dispatcher):
    dispatcher.post("/staff/techniker/", data={"item_id": str(plan.anna), "active": "0"})
    with app.app_context():
        assert not db.session.get(Technician, plan.anna).active
    assert windows_free_for(app, plan)[0] == (plan.jonas,)


def local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=scheduling.TIMEZONE).astimezone(UTC)


def test_blocked_time_removes_windows_and_deleting_it_frees_them(app, plan, dispatcher):
    url = f"/staff/techniker/{plan.anna}/abwesenheiten"
    day = plan.day.isoformat()
    response = dispatcher.post(
        url,
        data={
            "kind": "blocked",
            "start_day": day,
            "start_time": "08:00",
            "end_day": day,
            "end_time": "12:00",
            "note": "Schulung",
        },
    )
    assert response.headers["Location"] == url
    with app.app_context():
        absence = db.session.scalar(select(Absence))
        assert (absence.kind, absence.technician_id) == (AbsenceKind.BLOCKED, plan.anna)
        assert (absence.starts_at, absence.ends_at) == (local(plan.day, 8), local(plan.day, 12))
        absence_id = absence.id
    free = windows_free_for(app, plan)
    assert free[0] == free[1] == (plan.jonas,)
    assert plan.anna in free[2]
    assert "Schulung" in dispatcher.get(url).get_data(as_text=True)
    assert "Schulung" in dispatcher.get(f"/staff/termine/?tag={day}").get_data(as_text=True)

    dispatcher.post(f"{url}/{absence_id}/loeschen")
    with app.app_context():
        assert db.session.scalar(select(func.count(Absence.id))) == 0
    assert plan.anna in windows_free_for(app, plan)[0]


def test_whole_day_vacation_runs_midnight_to_midnight_and_end_must_follow_start(
    app, plan, dispatcher
):
    url = f"/staff/techniker/{plan.jonas}/abwesenheiten"
    day = plan.day.isoformat()
    dispatcher.post(url, data={"kind": "vacation", "start_day": day, "end_day": day})
    with app.app_context():
        absence = db.session.scalar(select(Absence))
        midnight = datetime.combine(plan.day, time.min, tzinfo=scheduling.TIMEZONE)
        assert absence.starts_at == midnight.astimezone(UTC)
        assert absence.ends_at == (midnight + timedelta(days=1)).astimezone(UTC)
    assert all(technicians == (plan.anna,) for technicians in windows_free_for(app, plan).values())

    earlier = (plan.day - timedelta(days=1)).isoformat()
    page = dispatcher.post(
        url, data={"kind": "sick", "start_day": day, "start_time": "10:00", "end_day": earlier}
    ).get_data(as_text=True)
    assert 'id="end_day-error"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Absence.id))) == 1


def test_deleting_another_technicians_absence_is_not_found(app, plan, dispatcher):
    with app.app_context():
        absence = Absence(
            technician_id=plan.anna,
            kind=AbsenceKind.SICK,
            starts_at=local(plan.day, 8),
            ends_at=local(plan.day, 17),
        )
        db.session.add(absence)
        db.session.commit()
        absence_id = absence.id
    url = f"/staff/techniker/{plan.jonas}/abwesenheiten/{absence_id}/loeschen"
    assert dispatcher.post(url).status_code == 404


def test_a_second_delete_of_an_absence_never_removes_a_newer_one(app, plan, dispatcher):
    """Two dispatchers on one page: the second click on "Löschen" finds the absence gone
    and must not take the one added since in its place."""
    url = f"/staff/techniker/{plan.jonas}/abwesenheiten"
    day = plan.day.isoformat()
    dispatcher.post(url, data={"kind": "sick", "start_day": day, "end_day": day})
    with app.app_context():
        first = db.session.scalar(select(Absence.id))
    assert dispatcher.post(f"{url}/{first}/loeschen").status_code == 302
    dispatcher.post(url, data={"kind": "vacation", "start_day": day, "end_day": day})
    assert dispatcher.post(f"{url}/{first}/loeschen").status_code == 404
    with app.app_context():
        assert db.session.scalars(select(Absence.kind)).all() == [AbsenceKind.VACATION]


SERVICE = {
    "name_de": "Reparatur Geschirrspüler",
    "name_en": "Dishwasher repair",
    "kind": "repair",
    "duration_minutes": "90",
    "buffer_before_minutes": "15",
    "buffer_after_minutes": "0",
    "needs_description": "y",
    "active": "y",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name_de", ""),
        ("name_en", ""),
        ("kind", "cleaning"),
        ("duration_minutes", "14"),
        ("duration_minutes", "601"),
        ("duration_minutes", "eine Stunde"),
        ("buffer_before_minutes", "-1"),
        ("buffer_after_minutes", "241"),
        ("buffer_after_minutes", ""),
    ],
)
def test_service_type_form_refuses(app, dispatcher, field, value):
    page = dispatcher.post("/staff/leistungen/neu", data={**SERVICE, field: value})
    assert page.status_code == 200
    assert f'id="{field}-error"' in page.get_data(as_text=True)
    assert 'value="Dishwasher repair"' in page.get_data(as_text=True) or field == "name_en"
    with app.app_context():
        assert db.session.scalar(select(func.count(ServiceType.id))) == 0


def test_service_type_is_created_and_edited(app, dispatcher):
    response = dispatcher.post("/staff/leistungen/neu", data=SERVICE)
    with app.app_context():
        service = db.session.scalar(select(ServiceType))
        assert response.headers["Location"] == f"/staff/leistungen/{service.id}"
        assert (service.kind, service.total_minutes) == (ServiceKind.REPAIR, 105)
        assert service.needs_description and service.active
        service_id = service.id
    assert 'value="Reparatur Geschirrspüler"' in dispatcher.get(
        f"/staff/leistungen/{service_id}"
    ).get_data(as_text=True)

    edited = {**SERVICE, "kind": "maintenance", "duration_minutes": "600"}
    del edited["needs_description"]
    dispatcher.post(f"/staff/leistungen/{service_id}", data=edited)
    with app.app_context():
        service = db.session.get(ServiceType, service_id)
        assert (service.kind, service.duration_minutes) == (ServiceKind.MAINTENANCE, 600)
        assert not service.needs_description
    dispatcher.post("/staff/leistungen/", data={"item_id": str(service_id), "active": "0"})
    with app.app_context():
        assert not db.session.get(ServiceType, service_id).active


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/staff/termine/"),
        ("GET", "/staff/termine/woche"),
        ("GET", "/staff/termine/1"),
        ("GET", "/staff/termine/1/foto/1"),
        ("POST", "/staff/termine/1/status"),
        ("POST", "/staff/termine/1/techniker"),
        ("GET", "/staff/termine/neu"),
        ("GET", "/staff/termine/export.csv"),
        ("GET", "/staff/techniker/"),
        ("POST", "/staff/techniker/neu"),
        ("GET", "/staff/techniker/1"),
        ("GET", "/staff/techniker/1/abwesenheiten"),
        ("POST", "/staff/techniker/1/abwesenheiten/1/loeschen"),
        ("GET", "/staff/leistungen/"),
        ("POST", "/staff/leistungen/neu"),
        ("GET", "/staff/leistungen/1"),
    ],
)
def test_editors_may_not_dispatch(app, plan, client, staff, method, url):
    login(client, staff["editor"])
    assert client.open(url, method=method).status_code == 403


def test_admins_may_dispatch(app, plan, client, staff):
    login(client, staff["admin"])
    assert client.get("/staff/termine/").status_code == 200
