"""The customer's booking over HTTP: the four steps, the private link, e-mails, the slots API."""

import io
import re
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from booking import scheduling
from booking.models import (
    Appointment,
    AppointmentPhoto,
    Deflection,
    OccupiedWindow,
    ServiceType,
    Status,
)
from portal.extensions import db
from portal.mail import read_outbox
from tests.booking.helpers import add_service, add_technician, form_data, in_days


@pytest.fixture
def service(app):
    with app.app_context():
        service_id = add_service()
        add_technician("Jens Albers", service_id)
        add_technician("Aylin Demir", service_id)
        return service_id


def _outbox(app):
    return read_outbox(Path(app.instance_path) / "outbox")


def _book(client, service, day, window=0, **changes):
    return client.post("/de/termin/buchen", data=form_data(service, day, window, **changes))


def _appointments(app):
    with app.app_context():
        return list(db.session.scalars(select(Appointment).order_by(Appointment.id)))


def test_the_steps_carry_what_was_typed_and_check_each_step(client, service):
    answer = client.post("/de/termin", data={"step": "1", "service": service, "postcode": "2009"})
    assert answer.status_code == 400
    assert "fünfstellige" in answer.text

    answer = client.post("/de/termin", data={"step": "1", "service": service, "postcode": "99999"})
    assert answer.status_code == 400
    assert "0800 555 0142" in answer.text  # not covered: call us

    step2 = client.post("/de/termin", data={"step": "1", "service": service, "postcode": "20095"})
    assert 'name="device_type"' in step2.text and 'value="20095"' in step2.text

    data = {"step": "2", "service": service, "postcode": "20095", "device_type": "Trockner"}
    answer = client.post("/de/termin", data=data)
    assert answer.status_code == 400  # this service needs a description
    data["problem"] = "Trommel dreht sich nicht"
    step3 = client.post("/de/termin", data=data)
    assert step3.status_code == 200
    slots = re.findall(r'name="slot" value="([^"]+)"', step3.text)
    assert slots and 'value="Trommel dreht sich nicht"' in step3.text

    back = client.post("/de/termin", data={**data, "step": "3", "zurueck": "1"})
    assert 'name="problem"' in back.text and "Trommel dreht sich nicht" in back.text


def test_booking_sends_a_confirmation_with_calendar_file_and_private_link(app, client, service):
    day = in_days(3)
    answer = _book(client, service, day)
    assert answer.status_code == 303
    manage = answer.headers["Location"]
    assert re.fullmatch(r"/de/termin/verwalten/[0-9a-f]{40}", manage)
    [appointment] = _appointments(app)
    assert appointment.status == Status.REQUESTED and appointment.day == day
    assert manage.rsplit("/", 1)[1] not in appointment.manage_token_hash  # only a hash is kept

    [mail] = _outbox(app)
    assert mail["To"] == "erika@example.org"
    assert appointment.reference in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    assert manage in body and "08:00" in body and "10:00" in body
    [ics] = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert ics.get_param("method") == "REQUEST"
    assert b"DTSTART;TZID=Europe/Berlin:" + day.strftime("%Y%m%d").encode() + b"T080000" in (
        ics.get_content() if isinstance(ics.get_content(), bytes) else ics.get_content().encode()
    )

    page = client.get(manage)
    assert page.status_code == 200 and appointment.reference in page.text


def test_a_taken_window_keeps_everything_typed_and_offers_fresh_windows(app, client, service):
    day = in_days(3)
    assert _book(app.test_client(), service, day).status_code == 303
    assert _book(app.test_client(), service, day).status_code == 303  # second technician
    answer = _book(client, service, day, problem="Läuft aus, Wasser am Boden")
    assert answer.status_code == 409
    assert "Läuft aus, Wasser am Boden" in answer.text and "Erika Mustermann" in answer.text
    assert f'value="{day.isoformat()}/0"' not in answer.text
    assert f'value="{day.isoformat()}/1"' in answer.text
    assert len(_appointments(app)) == 2


def test_work_spreads_to_the_technician_with_fewest_appointments(app, service):
    day = in_days(4)
    for window in (0, 1, 2):
        _book(app.test_client(), service, day, window)
    with app.app_context():
        rows = db.session.execute(
            select(Appointment.technician_id, func.count()).group_by(Appointment.technician_id)
        ).all()
    assert sorted(count for _, count in rows) == [1, 2]


def test_reschedule_keeps_the_technician_and_sends_an_update(app, client, service):
    day = in_days(3)
    manage = _book(client, service, day).headers["Location"]
    [before] = _appointments(app)
    new_day = in_days(5)
    answer = client.post(f"{manage}/verschieben", data={"slot": f"{new_day.isoformat()}/2"})
    assert answer.status_code == 303
    [after] = _appointments(app)
    assert (after.day, after.first_window, after.technician_id) == (
        new_day,
        2,
        before.technician_id,
    )
    assert after.reschedule_count == 1 and after.sequence == 1
    with app.app_context():
        windows = db.session.execute(select(OccupiedWindow.day, OccupiedWindow.window)).all()
    assert windows == [(new_day, 2)]
    update = _outbox(app)[-1]
    [ics] = [p for p in update.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert ics.get_param("method") == "REQUEST"
    assert "SEQUENCE:1" in ics.get_content()


def test_reschedules_are_limited_then_the_customer_is_asked_to_call(make_app, service):
    app = make_app(BOOKING_MAX_RESCHEDULES=1)
    client = app.test_client()
    manage = _book(client, service, in_days(3)).headers["Location"]
    client.post(f"{manage}/verschieben", data={"slot": f"{in_days(4).isoformat()}/0"})
    answer = client.post(f"{manage}/verschieben", data={"slot": f"{in_days(5).isoformat()}/0"})
    assert answer.status_code == 303
    [appointment] = _appointments(app)
    assert appointment.day == in_days(4)
    assert "0800 555 0142" in client.get(manage).text


def test_cancel_keeps_the_appointment_frees_the_window_and_sends_cancel(app, client, service):
    day = in_days(3)
    manage = _book(client, service, day).headers["Location"]
    assert client.post(f"{manage}/absagen").status_code == 303
    [appointment] = _appointments(app)
    assert appointment.status == Status.CANCELLED
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OccupiedWindow)) == 0
        free = scheduling.free_slots(db.session.get(ServiceType, service), "20095", day, day)
    assert [len(slot.technicians) for slot in free if slot.window == 0] == [2]
    cancel = _outbox(app)[-1]
    [ics] = [p for p in cancel.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert ics.get_param("method") == "CANCEL" and "STATUS:CANCELLED" in ics.get_content()


def test_no_changes_online_after_the_cutoff(app, client, service):
    manage = _book(client, service, in_days(3)).headers["Location"]
    with app.app_context():
        appointment = db.session.scalar(select(Appointment))
        appointment.starts_at = scheduling.utcnow() + timedelta(hours=20)
        db.session.commit()
    assert client.post(f"{manage}/absagen").status_code == 303
    assert _appointments(app)[0].status == Status.REQUESTED
    assert client.get(f"{manage}/verschieben").status_code == 303


@pytest.mark.parametrize("token", ["0" * 40, "x", "a" * 200])
def test_forged_tokens_get_404(client, service, token):
    assert client.get(f"/de/termin/verwalten/{token}").status_code == 404
    assert client.post(f"/de/termin/verwalten/{token}/absagen").status_code == 404


def test_one_customers_token_never_opens_another_appointment(app, service):
    first = _book(app.test_client(), service, in_days(3)).headers["Location"]
    second = _book(app.test_client(), service, in_days(4), name="Max Muster").headers["Location"]
    assert first != second
    assert "Max Muster" not in app.test_client().get(first).text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "keine-adresse"}, "E-Mail"),
        ({"phone": "12"}, "Telefonnummer"),
        ({"consent": ""}, "Datenschutz"),
        ({"name": "x" * 121}, "120"),
        ({"purchase_date": "2999-01-01"}, "Zukunft"),
    ],
)
def test_bad_contact_data_is_refused_in_german_and_kept(client, service, changes, message):
    answer = _book(client, service, in_days(3), **changes)
    assert answer.status_code == 400
    assert message in answer.text
    assert "Die Tür klemmt, Anzeige E18." in answer.text


def test_windows_that_do_not_exist_or_are_out_of_range_are_refused(app, client, service):
    too_far = in_days(app.config["BOOKING_HORIZON_DAYS"] + 2)
    for day, window in ((in_days(3), 9), (in_days(-1), 0), (too_far, 0)):
        assert _book(client, service, day, window).status_code == 409
    assert _appointments(app) == []


def test_the_honeypot_stops_bots(app, client, service):
    assert _book(client, service, in_days(3), website="http://spam.example").status_code == 400
    assert _appointments(app) == []


def test_bookings_are_rate_limited(make_app, service):
    app = make_app(BOOKING_RATE_LIMIT="2 per hour")
    codes = [_book(app.test_client(), service, in_days(3), w).status_code for w in (0, 1, 2)]
    assert codes == [303, 303, 429]


def _jpeg_with_location() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {2: (53.0, 33.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_photos_are_kept_without_metadata_and_other_files_refused(app, client, service):
    data = form_data(service, in_days(3))
    data["photos"] = [(io.BytesIO(b"not an image"), "virus.exe")]
    answer = client.post("/de/termin/buchen", data=data, content_type="multipart/form-data")
    assert answer.status_code == 400 and _appointments(app) == []
    original = _jpeg_with_location()
    assert b"CameraMaker" in original
    data = form_data(service, in_days(3))
    data["photos"] = [(io.BytesIO(original), "typenschild.jpg")]
    answer = client.post("/de/termin/buchen", data=data, content_type="multipart/form-data")
    assert answer.status_code == 303
    with app.app_context():
        [photo] = db.session.scalars(select(AppointmentPhoto)).all()
        stored = photo.data
    assert stored.startswith(b"\xff\xd8") and b"CameraMaker" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()


def test_old_photos_are_purged(app, client, service):
    data = form_data(service, in_days(3))
    data["photos"] = [(io.BytesIO(_jpeg_with_location()), "a.jpg")]
    client.post("/de/termin/buchen", data=data, content_type="multipart/form-data")
    runner = app.test_cli_runner()
    assert "0 photos deleted" in runner.invoke(args=["booking", "purge-photos"]).output
    with app.app_context():
        photo = db.session.scalar(select(AppointmentPhoto))
        photo.created_at -= timedelta(days=app.config["BOOKING_PHOTO_DAYS"] + 1)
        db.session.commit()
    assert "1 photos deleted" in runner.invoke(args=["booking", "purge-photos"]).output


def test_reminders_go_out_once_the_day_before(app, client, service):
    _book(client, service, in_days(3))
    runner = app.test_cli_runner()
    assert "0 reminders sent" in runner.invoke(args=["booking", "send-reminders"]).output
    with app.app_context():
        appointment = db.session.scalar(select(Appointment))
        appointment.starts_at = scheduling.utcnow() + timedelta(hours=20)
        db.session.commit()
    assert "1 reminders sent" in runner.invoke(args=["booking", "send-reminders"]).output
    assert "0 reminders sent" in runner.invoke(args=["booking", "send-reminders"]).output
    reminder = _outbox(app)[-1]
    assert reminder["Subject"].startswith("Erinnerung")
    assert "/de/termin/verwalten/" in reminder.get_body(("plain",)).get_content()


def test_a_reminder_the_mail_server_refused_goes_out_on_the_next_run(app, client, service):
    _book(client, service, in_days(3))
    with app.app_context():
        appointment = db.session.scalar(select(Appointment))
        appointment.starts_at = scheduling.utcnow() + timedelta(hours=20)
        db.session.commit()
    with socket.socket() as probe:  # a port nobody listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=probe.getsockname()[1])
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["booking", "send-reminders"])
    assert refused.exit_code == 1
    assert "0 reminders sent" in refused.output and "1 reminders failed" in refused.output

    app.config["MAIL_SERVER"] = ""
    assert "1 reminders sent" in runner.invoke(args=["booking", "send-reminders"]).output
    assert "0 reminders sent" in runner.invoke(args=["booking", "send-reminders"]).output
    assert sum("Erinnerung" in mail["Subject"] for mail in _outbox(app)) == 1


def test_leaving_for_a_suggested_article_is_counted(app, client, service):
    answer = client.get(f"/de/termin/hilfe/tuer-klemmt?leistung={service}")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(
        "/de/artikel/tuer-klemmt"
    )
    with app.app_context():
        [deflection] = db.session.scalars(select(Deflection)).all()
    assert (deflection.article_slug, deflection.service_type_id) == ("tuer-klemmt", service)


def test_slots_api(app, client, service):
    day = in_days(3)
    answer = client.get(f"/api/booking/slots?service={service}&postcode=20095&from={day}&to={day}")
    assert answer.status_code == 200 and answer.json["covered"] is True
    starts = [slot["start"] for slot in answer.json["slots"]]
    assert starts[0].startswith(f"{day.isoformat()}T08:00:00+0")
    assert len(starts) == 4
    assert client.get(
        f"/api/booking/slots?service={service}&postcode=99999&from={day}&to={day}"
    ).json == {"service": service, "postcode": "99999", "covered": False, "slots": []}


def test_browsing_customers_share_one_computation_and_a_booking_shows_at_once(
    app, client, service, monkeypatch
):
    day = in_days(3)
    url = f"/api/booking/slots?service={service}&postcode=20095&from={day}&to={day}"
    computed = []
    real = scheduling.free_slots
    monkeypatch.setattr(
        scheduling,
        "free_slots",
        lambda *args, **kwargs: computed.append(1) or real(*args, **kwargs),
    )

    def windows():
        return [slot["slot"] for slot in client.get(url).json["slots"]]

    offered = windows()
    assert windows() == offered and app.test_client().get(url).status_code == 200
    assert len(computed) == 1

    both = [form_data(service, day, 0, name=f"Kunde {n}") for n in range(2)]
    for data in both:
        assert client.post("/de/termin/buchen", data=data).status_code == 303
    assert windows() == offered[1:]  # both technicians took window 0: it is gone at once


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("service=999&postcode=20095&from=2030-01-01&to=2030-01-02", "service"),
        ("service=1&postcode=abc&from=2030-01-01&to=2030-01-02", "postcode"),
        ("service=1&postcode=20095&from=morgen&to=2030-01-02", "YYYY-MM-DD"),
        ("service=1&postcode=20095&from=2030-01-05&to=2030-01-02", "on or after"),
        ("service=1&postcode=20095&from=2030-01-01&to=2030-06-01", "at most"),
    ],
)
def test_slots_api_explains_bad_parameters(client, service, query, reason):
    answer = client.get(f"/api/booking/slots?{query}")
    assert answer.status_code == 400 and reason in answer.json["reason"]
