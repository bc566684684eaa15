"""'Rückruf anfordern': the customer's form, the e-mail to the office, the dispatchers' list."""

import re
import threading
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from booking.callbacks import requests
from booking.callbacks.models import CallbackRequest, CallbackStatus, PartOfDay
from portal import safety
from portal.extensions import db
from portal.mail import outbox_folder, read_outbox
from portal.models import AuditEntry, user_by_email
from tests.helpers.pages import csrf_token, main_of
from tests.helpers.staff import PASSWORD, login

CALLER = {
    "name": "Erika Mustermann",
    "phone": "040 1234567",
    "topic": "Waschmaschine pumpt nicht ab",
    "preferred_time": "morning",
    "email": "erika@example.org",
}
ALL_YEAR = frozenset(range(1, 13))


def _send(client, lang="de", **changes):
    return client.post(f"/{lang}/rueckruf", data={**CALLER, **changes})


def _stored(app) -> list[CallbackRequest]:
    with app.app_context():
        found = db.session.scalars(select(CallbackRequest).order_by(CallbackRequest.id)).all()
        for callback in found:
            db.session.expunge(callback)
        return list(found)


def _audit_entries(app, action="callback.closed") -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture
def dispatcher(app, staff):
    client = app.test_client()
    login(client, staff["dispatcher"])
    return client


def test_the_form_speaks_german_and_takes_the_topic_from_the_link(client):
    page = client.get("/de/rueckruf?thema=Spülmaschine zeigt E24").text
    assert "<h1>Rückruf anfordern</h1>" in page
    assert "Worum geht es?" in page and "Wann sollen wir anrufen?" in page
    assert "\nSpülmaschine zeigt E24</textarea>" in page
    assert "Vormittags" in page and "Nachmittags" in page and "Egal wann" in page


def test_the_form_speaks_english_on_the_english_path(client):
    page = client.get("/en/rueckruf?thema=Dryer is loud").text
    assert "<h1>Request a callback</h1>" in page and "\nDryer is loud</textarea>" in page


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client):
    page = client.get("/de/rueckruf").text
    assert '<div class="honeypot" aria-hidden="true">' in page
    field = page[page.index('name="website"') - 120 : page.index('name="website"') + 80]
    assert 'tabindex="-1"' in field and 'autocomplete="off"' in field


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "123"}, "Bitte geben Sie eine gültige Telefonnummer an, z. B. 040 1234567."),
        ({"phone": ""}, "Bitte geben Sie eine Telefonnummer an."),
        ({"name": ""}, "Bitte geben Sie Ihren Namen an."),
        ({"topic": ""}, "Bitte sagen Sie uns kurz, worum es geht."),
        ({"email": "erika@"}, "Bitte geben Sie eine gültige E-Mail-Adresse an."),
        ({"topic": "x" * 1001}, "1000"),
        ({"preferred_time": "nachts"}, "Bitte korrigieren Sie die markierten Felder."),
    ],
)
def test_a_form_with_errors_says_why_in_german_and_keeps_what_was_typed(
    app, client, changes, message
):
    answer = _send(client, **changes)
    assert answer.status_code == 400
    assert message in answer.text
    kept = {**CALLER, **changes}
    for name in ("name", "phone", "email"):
        if kept[name]:
            assert f'value="{kept[name]}"' in answer.text
    if kept["topic"]:
        assert f"\n{kept['topic']}</textarea>" in answer.text
    assert _stored(app) == []


def test_a_request_is_stored_mailed_to_the_office_and_confirmed(app, client):
    answer = _send(client, topic="Waschmaschine pumpt nicht ab, Fehler F21")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/de/rueckruf/danke")
    page = client.get(answer.headers["Location"]).text
    assert "Vielen Dank, wir rufen Sie zurück" in page
    assert "Wir rufen Sie am nächsten Werktag an," in page and "vormittags." in page

    [callback] = _stored(app)
    assert (callback.name, callback.phone, callback.phone_e164) == (
        "Erika Mustermann",
        "040 1234567",
        "+49401234567",
    )
    assert callback.topic == "Waschmaschine pumpt nicht ab, Fehler F21"
    assert callback.preferred_time is PartOfDay.MORNING
    assert callback.status is CallbackStatus.OPEN and callback.urgency == "normal"

    [mail] = read_outbox(outbox_folder(app))
    assert mail["To"] == app.config["COMPANY_EMAIL"]
    assert mail["Reply-To"] == "erika@example.org"
    assert mail["Subject"] == f"Rückrufwunsch Nr. {callback.id} (Vormittags)"
    body = mail.get_body(("plain",)).get_content()
    assert "Ein Kunde bittet um Rückruf." in body
    assert "Erika Mustermann" in body and "040 1234567 (+49401234567)" in body
    assert "Waschmaschine pumpt nicht ab, Fehler F21" in body
    assert "http://127.0.0.1:5000/staff/rueckrufe/" in body


def test_what_the_customer_typed_never_reaches_the_subject(app, client):
    _send(client, name="Betreff Injektion", topic="Subject: Gewinnspiel", email="")
    [mail] = read_outbox(outbox_folder(app))
    assert "Betreff" not in mail["Subject"] and "Gewinnspiel" not in mail["Subject"]
    assert mail["Reply-To"] is None


def test_the_confirmation_is_in_english_for_an_english_request(app, client):
    answer = _send(client, lang="en", preferred_time="afternoon")
    page = client.get(answer.headers["Location"]).text
    assert "We will call you on the next working day," in page and "in the afternoon." in page
    assert _stored(app)[0].language == "en"


def test_the_honeypot_answers_like_success_and_keeps_nothing(app, client):
    answer = _send(client, website="http://spam.example")
    assert answer.status_code == 303
    assert "Vielen Dank" in client.get(answer.headers["Location"]).text
    assert _stored(app) == []
    assert read_outbox(outbox_folder(app)) == []


def test_requests_are_rate_limited_per_network_with_a_german_message(make_app):
    app = make_app(CALLBACK_RATE_LIMIT="2 per hour")
    client = app.test_client()
    answers = [_send(client, name=f"Kunde {n}") for n in range(3)]
    assert [answer.status_code for answer in answers] == [303, 303, 429]
    refused = answers[-1].text
    assert "Sie haben schon mehrere Rückrufe angefordert." in refused
    assert "Bitte versuchen Sie es in 60 Minuten wieder oder rufen Sie uns an: 0800 555 0142" in (
        refused
    )
    assert "Fehlercode" not in refused
    assert len(_stored(app)) == 2
    assert client.get("/de/rueckruf").status_code == 200  # reading the form is not limited


def test_only_stored_requests_count_towards_the_limit(make_app):
    app = make_app(CALLBACK_RATE_LIMIT="2 per hour")
    client = app.test_client()
    mistakes = [_send(client, phone="") for _ in range(4)]
    assert [answer.status_code for answer in mistakes] == [400] * 4
    answers = [_send(client, name=f"Kunde {n}") for n in range(2)]
    assert [answer.status_code for answer in answers] == [303, 303]
    assert len(_stored(app)) == 2


def test_a_refused_request_keeps_what_was_typed_and_an_urgent_one_the_number(make_app):
    app = make_app(CALLBACK_RATE_LIMIT="1 per hour", HEATING_MONTHS=ALL_YEAR)
    client = app.test_client()
    assert _send(client).status_code == 303
    topic = "Heizung ausgefallen, kleine Kinder im Haus"
    refused = _send(client, topic=topic, name="Petra Meier")
    assert refused.status_code == 429
    assert topic in refused.text and 'value="Petra Meier"' in refused.text
    assert 'class="safety safety-urgent"' in refused.text
    assert "rufen Sie uns an: 0800 555 0142 (" in refused.text
    assert len(_stored(app)) == 1


def test_an_emergency_topic_from_the_link_shows_what_to_do_above_the_form(client):
    page = client.get("/de/rueckruf?thema=Es riecht nach Gas im Keller").text
    box = page.index("Riechen Sie Gas? Verlassen Sie jetzt das Gebäude.")
    assert box < page.index('<form method="post"')
    assert ">0800 555 0100</a>" in page  # the gas emergency number
    assert "Bitte warten Sie nicht auf unseren Anruf" in page


def test_a_calm_topic_shows_no_emergency_box(client):
    assert "safety-emergency" not in client.get("/de/rueckruf?thema=Tür klemmt").text


def test_an_emergency_sent_is_not_answered_with_a_callback(app, client):
    answer = _send(client, topic="Gasgeruch in der Küche")
    assert answer.status_code == 409
    assert "Riechen Sie Gas? Verlassen Sie jetzt das Gebäude." in answer.text
    assert "nächsten Werktag" not in answer.text
    assert 'value="Erika Mustermann"' in answer.text
    assert "\nGasgeruch in der Küche</textarea>" in answer.text
    assert _stored(app) == []
    assert read_outbox(outbox_folder(app)) == []


def test_no_heating_in_winter_is_stored_as_urgent_and_answered_with_our_line(make_app):
    app = make_app(HEATING_MONTHS=ALL_YEAR)
    client = app.test_client()
    answer = _send(client, topic="Heizung aus, nur noch 15 Grad in der Wohnung")
    page = client.get(answer.headers["Location"]).text
    assert "Keine Heizung in der Kälte?" in page
    [callback] = _stored(app)
    assert (callback.urgency, callback.urgency_reason) == ("urgent", "no_heating")
    [mail] = read_outbox(outbox_folder(app))
    assert mail["Subject"].startswith("Dringend: Keine Heizung – Rückrufwunsch Nr.")


WEEKDAYS = safety.parse_hours("Mo-Fr 07:00-19:00, Sa 08:00-12:00")
FRIDAY, SATURDAY = date(2027, 3, 5), date(2027, 3, 6)


@pytest.mark.parametrize(
    ("hours", "today", "holidays", "part", "expected"),
    [
        (WEEKDAYS, FRIDAY, frozenset(), PartOfDay.ANY, SATURDAY),
        (WEEKDAYS, FRIDAY, frozenset(), PartOfDay.MORNING, SATURDAY),
        # Saturday's hours end at noon: an afternoon call waits for Monday.
        (WEEKDAYS, FRIDAY, frozenset(), PartOfDay.AFTERNOON, date(2027, 3, 8)),
        (WEEKDAYS, SATURDAY, frozenset(), PartOfDay.ANY, date(2027, 3, 8)),
        # A public holiday follows Sunday's hours.
        (WEEKDAYS, SATURDAY, frozenset({date(2027, 3, 8)}), PartOfDay.ANY, date(2027, 3, 9)),
        (safety.parse_hours("24/7"), SATURDAY, frozenset(), PartOfDay.ANY, date(2027, 3, 7)),
        (safety.parse_hours(""), FRIDAY, frozenset(), PartOfDay.ANY, None),
        (safety.parse_hours("Mo 13:00-17:00"), FRIDAY, frozenset(), PartOfDay.MORNING, None),
    ],
)
def test_we_call_on_the_next_day_the_hotline_is_staffed_then(
    hours, today, holidays, part, expected
):
    assert requests.callback_day(hours, today, holidays, part) == expected


def test_the_next_callback_day_follows_the_configured_hours_and_holidays(app_ctx):
    # Thursday 2 April 2026, evening; Good Friday and Easter Monday are holidays in Hamburg.
    evening = datetime(2026, 4, 2, 20, 0, tzinfo=requests.scheduling.TIMEZONE)
    assert requests.next_callback_day(PartOfDay.ANY, evening) == date(2026, 4, 4)
    assert requests.next_callback_day(PartOfDay.AFTERNOON, evening) == date(2026, 4, 4)
    app_ctx.config["SERVICE_HOURS"] = "Mo-Fr 07:00-19:00"
    assert requests.next_callback_day(PartOfDay.ANY, evening) == date(2026, 4, 7)


def test_without_service_hours_the_confirmation_promises_no_day(make_app):
    app = make_app(SERVICE_HOURS="")
    client = app.test_client()
    page = client.get(_send(client).headers["Location"]).text
    assert "Wir rufen Sie so bald wie möglich zurück." in page
    assert "nächsten Werktag" not in page


def _request(app, **changes) -> int:
    with app.app_context():
        values = {**CALLER, "preferred_time": PartOfDay(CALLER["preferred_time"]), **changes}
        return requests.take(requests.Request(**values), "de").id


def test_the_list_is_for_dispatchers_and_admins_only(app, client, staff):
    _request(app)
    assert client.get("/staff/rueckrufe/").headers["Location"].startswith("/staff/login")
    login(client, staff["editor"])
    assert client.get("/staff/rueckrufe/").status_code == 403
    assert client.get("/staff/rueckrufe/erledigt").status_code == 403
    assert client.post("/staff/rueckrufe/1/erledigt").status_code == 403
    for role in ("dispatcher", "admin"):
        other = app.test_client()
        login(other, staff[role])
        assert "Erika Mustermann" in other.get("/staff/rueckrufe/").text


def test_dispatchers_see_open_requests_newest_first_with_what_they_need(app, dispatcher):
    first = _request(app, name="Hans Älter", topic="Trockner quietscht")
    second = _request(app, preferred_time=PartOfDay.AFTERNOON, email="")
    with app.app_context():
        older = db.session.get(CallbackRequest, first)
        older.created_at -= timedelta(hours=3)
        db.session.commit()
    page = dispatcher.get("/staff/rueckrufe/").text
    assert "<h1>Rückrufwünsche</h1>" in page and "Offen, neueste zuerst" in page
    assert page.index("Erika Mustermann") < page.index("Hans Älter")
    assert 'href="tel:+49401234567">040 1234567</a>' in page
    assert "Trockner quietscht" in page and "Nachmittags" in page and "Vormittags" in page
    assert "vor 3 Stunden" in page
    assert f'action="/staff/rueckrufe/{second}/erledigt"' in page
    assert 'href="mailto:erika@example.org"' in page


def test_the_staff_area_links_to_the_callback_list(dispatcher, editor_client):
    assert 'href="/staff/rueckrufe/"' in dispatcher.get("/staff/").text
    assert 'href="/staff/rueckrufe/"' not in editor_client.get("/staff/").text


def test_closing_a_request_moves_it_to_done_once_with_one_audit_entry(app, dispatcher, staff):
    number = _request(app)
    url = f"/staff/rueckrufe/{number}/erledigt"
    answer = dispatcher.post(url, data={"note": "Kunde erreicht, Termin gebucht"})
    assert answer.status_code == 302
    page = dispatcher.get(answer.headers["Location"]).text
    assert f"Rückrufwunsch Nr. {number} ist erledigt." in page
    assert "Keine offenen Rückrufwünsche." in page

    again = dispatcher.post(url, data={"note": "nochmal"}, follow_redirects=True)
    assert f"Rückrufwunsch Nr. {number} war schon erledigt." in again.text

    done = dispatcher.get("/staff/rueckrufe/erledigt").text
    assert "Erika Mustermann" in done and "Kunde erreicht, Termin gebucht" in done
    assert "Dispatcher" in done  # who closed it
    [callback] = _stored(app)
    assert callback.status is CallbackStatus.DONE
    assert callback.note == "Kunde erreicht, Termin gebucht"
    [entry] = _audit_entries(app)
    with app.app_context():
        assert entry.actor_id == user_by_email(staff["dispatcher"]).id
    assert (entry.target, entry.detail) == (f"#{number}", "Kunde erreicht, Termin gebucht")
    admin = app.test_client()
    login(admin, staff["admin"])
    assert "Rückrufwunsch erledigt" in admin.get("/staff/audit/").text


def test_closing_an_unknown_request_is_not_found(dispatcher):
    assert dispatcher.post("/staff/rueckrufe/999/erledigt").status_code == 404


def test_closing_needs_the_forms_csrf_token(make_app, staff_for):
    app, client = staff_for(WTF_CSRF_ENABLED=True)
    number = _request(app)
    answer = client.post(f"/staff/rueckrufe/{number}/erledigt")
    assert answer.status_code == 400
    assert "Das Formular ist abgelaufen" in answer.text
    assert _stored(app)[0].status is CallbackStatus.OPEN
    token = csrf_token(client.get("/staff/rueckrufe/").text)
    client.post(f"/staff/rueckrufe/{number}/erledigt", data={"csrf_token": token})
    assert _stored(app)[0].status is CallbackStatus.DONE


@pytest.fixture
def staff_for(make_app):
    """A portal with other settings and a signed-in dispatcher."""
    from portal.models import Role, create_user

    def build(**config):
        app = make_app(**config)
        with app.app_context():
            create_user("dispatcher@portal.example", "Dispatcher", Role.DISPATCHER, PASSWORD)
            db.session.commit()
        client = app.test_client()
        page = client.get("/staff/login").text
        client.post(
            "/staff/login",
            data={
                "email": "dispatcher@portal.example",
                "password": PASSWORD,
                "csrf_token": csrf_token(page),
            },
        )
        return app, client

    return build


def test_two_dispatchers_closing_at_once_write_one_audit_entry(app, staff):
    number = _request(app)
    with app.app_context():
        user_id = user_by_email(staff["dispatcher"]).id
    crowd = 8
    start, outcomes = threading.Barrier(crowd), []

    def close():
        with app.app_context():
            from portal.models import User

            user = db.session.get(User, user_id)
            start.wait()
            try:
                requests.close(number, user, "erreicht")
                outcomes.append("closed")
            except requests.NotOpen:
                outcomes.append("already")

    threads = [threading.Thread(target=close) for _ in range(crowd)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already"] * (crowd - 1) + ["closed"]
    assert len(_audit_entries(app)) == 1


def test_closed_requests_are_purged_after_the_configured_days(app, staff):
    keep = _request(app, name="Noch offen")
    old, recent = _request(app, name="Alt"), _request(app, name="Neu")
    with app.app_context():
        user = user_by_email(staff["dispatcher"])
        long_ago = requests.utcnow() - timedelta(days=app.config["CALLBACK_KEEP_DAYS"] + 1)
        requests.close(old, user, now=long_ago)
        requests.close(recent, user)
    result = app.test_cli_runner().invoke(args=["booking", "purge-callbacks"])
    assert result.exit_code == 0 and "1 callback requests deleted." in result.output
    assert [callback.id for callback in _stored(app)] == [keep, recent]
    with app.app_context():
        assert db.session.scalar(select(func.count(CallbackRequest.id))) == 2


def test_the_part_of_day_boundaries_are_noon():
    assert requests.PARTS[PartOfDay.MORNING][1] == requests.PARTS[PartOfDay.AFTERNOON][0]
    assert requests.PARTS[PartOfDay.MORNING][1] == time(12)


def test_an_urgent_request_gets_one_message_and_one_number(make_app):
    """Called back today while the line is open, with no second number to choose from."""
    app = make_app(HEATING_MONTHS=ALL_YEAR, SERVICE_HOURS="24/7", EMERGENCY_PHONE="")
    client = app.test_client()
    answer = _send(client, topic="Heizung ausgefallen, kleine Kinder")
    page = main_of(client.get(answer.headers["Location"]).text)
    assert "Wir rufen Sie heute noch zurück, sobald ein Kollege frei ist." in page
    assert "nächsten Werktag" not in page and "Ist es dringender?" not in page
    assert set(re.findall(r'href="tel:([^"]+)"', page)) == {"08005550142"}


def test_an_urgent_request_outside_our_hours_says_when_we_call(make_app):
    app = make_app(HEATING_MONTHS=ALL_YEAR, SERVICE_HOURS="Mo 00:00-00:01", EMERGENCY_PHONE="")
    client = app.test_client()
    answer = _send(client, topic="Heizung ausgefallen, kleine Kinder")
    page = main_of(client.get(answer.headers["Location"]).text)
    assert "Wir rufen Sie zurück, sobald unsere Leitung wieder besetzt ist: Montag, 00:00." in page
