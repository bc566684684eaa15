"""Danger in the booking form: an emergency is answered with what to do now instead of windows
and cannot be booked online; no heating in winter gets our line first, then the earliest
windows; dispatchers see the same verdict on the appointment."""

import pytest
from sqlalchemy import func, select

from articles import indexing
from booking import scheduling
from booking.models import Appointment, ServiceType
from portal.extensions import db
from tests.articles.helpers import publish_article
from tests.booking.helpers import CUSTOMER, add_service, add_technician, form_data, in_days
from tests.helpers.config import GENEROUS_LIMITS
from tests.helpers.staff import login

ALL_YEAR = frozenset(range(1, 13))
NEVER = frozenset()
GAS = [
    "Es riecht im Keller stark nach Gas. Therme zeigt F28.",
    "Seit heute früh Gasgeruch im Flur",
    "riecht komisch nach faulen Eiern bei der Therme",
    "Ich glaube, die Gasleitung ist undicht, es zischt",
]
OTHER_EMERGENCIES = [
    ("Der Schlauch ist geplatzt, das Wasser hört nicht auf zu laufen", "water"),
    ("Aus dem Trockner kommt Rauch", "fire"),
    ("CO-Melder piept seit zehn Minuten, mir ist schwindlig", "carbon_monoxide"),
]
CALENDAR = 'type="radio" name="slot"'  # a window to choose


@pytest.fixture
def site(make_app):
    app = make_app(**GENEROUS_LIMITS, HEATING_MONTHS=ALL_YEAR)
    with app.app_context():
        service_id = add_service()
        add_technician("Jens Albers", service_id)
    publish_article(
        app,
        title="Gasgeruch: Was Sie jetzt tun müssen",
        slug="gasgeruch",
        body="Kein Licht schalten, Haus verlassen, von draußen den Gas-Notruf wählen.",
        tags=["gasgeruch"],
        summary="Was bei Gasgeruch zu tun ist.",
    )
    publish_article(app)  # "Tür klemmt"
    with app.app_context():
        indexing.rebuild(app)
    app.service_id = service_id
    return app


def _step(app, step: int, **changes):
    data = form_data(app.service_id, in_days(3), step=str(step), **changes)
    data.pop("slot") if step < 3 else None
    return app.test_client().post("/de/termin", data=data)


@pytest.mark.parametrize("problem", GAS)
def test_a_gas_smell_gets_what_to_do_now_instead_of_windows(site, problem):
    answer = _step(site, 2, device_type="Gastherme", problem=problem)
    assert answer.status_code == 200
    assert "Riechen Sie Gas? Verlassen Sie jetzt das Gebäude." in answer.text
    assert ">0800 555 0100</a>" in answer.text  # the gas emergency number
    assert CALENDAR not in answer.text
    assert 'name="step" value="2"' in answer.text  # still the problem step
    assert problem.split(".")[0] in answer.text  # what was typed is kept


@pytest.mark.parametrize(("problem", "reason"), OTHER_EMERGENCIES)
def test_every_emergency_stops_the_online_booking(site, problem, reason):
    answer = _step(site, 2, problem=problem)
    assert 'class="safety safety-emergency"' in answer.text and CALENDAR not in answer.text


def test_an_emergency_sent_straight_to_the_last_step_books_nothing(site):
    data = form_data(site.service_id, in_days(3), problem="Gasgeruch im ganzen Haus")
    answer = site.test_client().post("/de/termin/buchen", data=data)
    assert answer.status_code == 409
    assert "Riechen Sie Gas?" in answer.text
    with site.app_context():
        assert db.session.scalar(select(func.count(Appointment.id))) == 0


def test_a_described_problem_books_as_before(site):
    answer = _step(site, 2, problem="Die Tür klemmt, Anzeige E18")
    assert CALENDAR in answer.text and "safety-emergency" not in answer.text


def test_no_heating_in_winter_shows_our_line_first_then_the_earliest_windows(site):
    problem = "Heizung geht seit heute Morgen nicht, 16 Grad in der Wohnung"
    answer = _step(site, 2, device_type="Gastherme", problem=problem)
    box, calendar = answer.text.index('class="safety safety-urgent"'), answer.text.index(CALENDAR)
    assert box < calendar
    assert "Keine Heizung in der Kälte?" in answer.text


def test_no_heating_in_summer_is_an_ordinary_booking(make_app):
    app = make_app(**GENEROUS_LIMITS, HEATING_MONTHS=NEVER)
    with app.app_context():
        app.service_id = add_service()
        add_technician("Jens Albers", app.service_id)
    answer = _step(app, 2, problem="Heizung geht nicht, 16 Grad in der Wohnung")
    assert "safety-urgent" not in answer.text and CALENDAR in answer.text


def test_next_to_an_emergency_only_the_safety_article_is_suggested(site):
    client = site.test_client()
    found = client.get("/api/booking/suggestions?q=Es riecht nach Gas und die Tür klemmt").json
    assert [item["title"] for item in found] == ["Gasgeruch: Was Sie jetzt tun müssen"]
    calm = client.get("/api/booking/suggestions?q=Tür klemmt").json
    assert [item["title"] for item in calm] == ["Tür klemmt"]


def test_step_one_offers_the_emergency_page(site):
    page = site.test_client().get("/de/termin").text
    assert "Notfall?" in page and 'href="/de/notfall"' in page


def test_english_booking_gets_english_advice(site):
    data = form_data(site.service_id, in_days(3), step="2", problem="I can smell gas upstairs")
    del data["slot"]
    answer = site.test_client().post("/en/termin", data=data)
    assert (
        "Do you smell gas? Leave the building now." in answer.text and CALENDAR not in answer.text
    )


def test_an_appointment_keeps_the_verdict_of_its_problem(site):
    with site.app_context():
        service = db.session.get(ServiceType, site.service_id)
        customer = scheduling.Customer(
            "Erika Mustermann",
            "erika@example.org",
            "040 1234567",
            "Hauptstraße 1",
            "20095",
            "Hamburg",
            device_type="Gastherme",
            problem="Therme springt nicht an, die Wohnung kühlt aus",
        )
        appointment = scheduling.book(service, customer, in_days(3), 0)
        assert (appointment.urgency, appointment.urgency_reason) == ("urgent", "no_heating")


def test_dispatchers_see_the_flag_on_a_phone_booking_and_in_the_agenda(site, staff):
    client = site.test_client()
    login(client, staff["dispatcher"])
    day = in_days(3)
    data = {
        "service": str(site.service_id),
        "postcode": "20095",
        "day": day.isoformat(),
        **CUSTOMER,
        "device_type": "Gastherme",
        "problem": "Kundin riecht Gas im Keller",
        "window": "0",
    }
    page = client.post("/staff/termine/neu", data={**data, "action": "windows"}).text
    assert "Riechen Sie Gas? Verlassen Sie jetzt das Gebäude." in page
    booked = client.post("/staff/termine/neu", data={**data, "action": "book"})
    assert booked.status_code == 302
    detail = client.get(booked.headers["Location"]).text
    assert "Notfall: Gasgeruch" in detail
    agenda = client.get(f"/staff/termine/?tag={day.isoformat()}").text
    assert "Notfall: Gasgeruch" in agenda
    week = client.get(f"/staff/termine/woche?ab={day.isoformat()}").text
    assert "Notfall: Gasgeruch" in week


@pytest.mark.parametrize("field", ["device_type", "brand", "model", "serial_number", "problem"])
def test_danger_typed_in_any_field_stops_the_booking(site, field):
    """A direct POST with the gas smell as the brand (or model, serial number) books nothing."""
    changes = {"device_type": "Waschmaschine", "problem": "Tür klemmt", field: "Gasgeruch im Haus"}
    data = form_data(site.service_id, in_days(3), **changes)
    answer = site.test_client().post("/de/termin/buchen", data=data)
    assert answer.status_code == 409
    assert "Riechen Sie Gas? Verlassen Sie jetzt das Gebäude." in answer.text
    with site.app_context():
        assert db.session.scalar(select(func.count(Appointment.id))) == 0


def test_the_device_in_one_field_and_its_smell_in_another_are_read_together(site):
    answer = _step(site, 2, device_type="Gastherme", problem="riecht seit heute seltsam")
    assert 'class="safety safety-emergency"' in answer.text and CALENDAR not in answer.text


def test_an_emergency_comes_first_and_without_form_errors(site):
    """A gas smell sent without the device a service needs: the safety box, no red error."""
    answer = _step(site, 2, device_type="", problem="Es riecht nach Gas")
    assert "Bitte korrigieren Sie die markierten Felder." not in answer.text
    assert 'class="error-summary"' not in answer.text
    box = answer.text.index('class="safety safety-emergency"')
    assert box < answer.text.index('name="device_type"')


def test_a_name_or_a_town_is_no_danger(site):
    data = form_data(site.service_id, in_days(3), name="Petra Rauch", city="Brand-Erbisdorf")
    data.update(street="Feuerweg 3", problem="Die Tür klemmt, Anzeige E18")
    answer = site.test_client().post("/de/termin/buchen", data=data)
    assert answer.status_code == 303


def test_a_denied_gas_smell_is_booked_and_asked_about(site):
    answer = _step(site, 2, device_type="Gastherme", problem="Kein Gasgeruch, Therme zeigt F28")
    assert CALENDAR in answer.text
    assert 'class="safety safety-possible"' in answer.text
    assert "Riecht es doch nach Gas? Dann handeln Sie sofort:" in answer.text
    assert ">0800 555 0100</a>" in answer.text


def test_a_phone_booking_reads_the_brand_and_model_too(site, staff):
    client = site.test_client()
    login(client, staff["dispatcher"])
    data = {
        "service": str(site.service_id),
        "postcode": "20095",
        "day": in_days(3).isoformat(),
        **CUSTOMER,
        "device_type": "Herd",
        "brand": "Gashahn geht nicht mehr zu",
        "problem": "Kundin ruft an",
        "action": "windows",
    }
    page = client.post("/staff/termine/neu", data=data).text
    assert "Riechen Sie Gas? Verlassen Sie jetzt das Gebäude." in page
