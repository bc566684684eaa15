"""A customer books, moves and cancels a technician visit in headless Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from articles import indexing
from booking.models import Appointment, Status
from portal.extensions import db
from portal.mail import outbox_folder, read_outbox
from tests.articles.helpers import publish_article
from tests.booking.helpers import add_service, add_technician

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, page: Page):
    base_url, app = live_server
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with app.app_context():
        service = add_service()
        add_technician("Jens Albers", service)
    publish_article(app, title="Tür klemmt nach dem Waschen", body="Warten Sie zwei Minuten.")
    with app.app_context():
        indexing.rebuild(app)
    yield base_url, app
    assert errors == []


def _appointment(app) -> Appointment:
    with app.app_context():
        return db.session.scalar(select(Appointment))


def test_customer_books_moves_and_cancels(site, page: Page):
    base_url, app = site
    page.goto(f"{base_url}/de/termin")
    page.get_by_label("Was benötigen Sie?").select_option(label="Reparatur Waschmaschine")
    page.get_by_label("Postleitzahl des Einsatzorts").fill("20095")
    page.get_by_role("button", name="Weiter").click()

    page.get_by_label("Gerät", exact=True).fill("Waschmaschine")
    page.get_by_label("Marke").fill("Bosch")
    page.get_by_label("Was ist defekt?").fill("Die Tür klemmt")
    suggestions = page.locator("#problem-suggestions")
    expect(suggestions.get_by_role("link", name="Tür klemmt nach dem Waschen")).to_be_visible()
    page.get_by_role("button", name="Weiter").click()

    expect(page.get_by_text("Nächstes freies Zeitfenster:")).to_be_visible()
    first = page.locator("input[name=slot]").first
    chosen = first.get_attribute("value")
    first.check()
    page.get_by_role("button", name="Weiter").click()

    page.get_by_label("Name", exact=True).fill("Erika Mustermann")
    page.get_by_label("E-Mail").fill("erika@example.org")
    page.get_by_label("Telefon").fill("040 1234567")
    page.get_by_label("Straße und Hausnummer").fill("Hauptstraße 1")
    page.get_by_label("Ort").fill("Hamburg")
    page.get_by_label(re.compile("Ich bin einverstanden")).check()
    page.get_by_role("button", name="Verbindlich buchen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Termin")
    expect(page.get_by_text("Ihr Termin ist gebucht.")).to_be_visible()
    manage_url = page.url
    appointment = _appointment(app)
    assert f"{appointment.day.isoformat()}/{appointment.first_window}" == chosen
    [mail] = read_outbox(outbox_folder(app))
    assert manage_url.removeprefix(base_url) in mail.get_body(("plain",)).get_content()

    page.get_by_role("link", name="Termin verschieben").click()
    later = page.locator("input[name=slot]").nth(5)
    new_slot = later.get_attribute("value")
    later.check()
    page.get_by_role("button", name="Auf dieses Zeitfenster verschieben").click()
    expect(page.get_by_text("Ihr Termin ist verschoben.")).to_be_visible()
    moved = _appointment(app)
    assert f"{moved.day.isoformat()}/{moved.first_window}" == new_slot

    page.get_by_text("Termin absagen", exact=True).click()
    page.get_by_role("button", name="Ja, Termin absagen").click()
    expect(page.get_by_text("Abgesagt", exact=True)).to_be_visible()
    assert _appointment(app).status == Status.CANCELLED
    assert len(read_outbox(outbox_folder(app))) == 3
    page.goto(manage_url)
    expect(page.get_by_role("link", name="Neuen Termin buchen")).to_be_visible()


def test_a_lost_window_keeps_the_form_in_the_browser(site, page: Page):
    base_url, app = site
    page.goto(f"{base_url}/de/termin")
    page.get_by_label("Was benötigen Sie?").select_option(label="Reparatur Waschmaschine")
    page.get_by_label("Postleitzahl des Einsatzorts").fill("20095")
    page.get_by_role("button", name="Weiter").click()
    page.get_by_label("Gerät", exact=True).fill("Trockner")
    page.get_by_label("Was ist defekt?").fill("Trommel steht")
    page.get_by_role("button", name="Weiter").click()
    slot = page.locator("input[name=slot]").first
    day, window = slot.get_attribute("value").split("/")
    slot.check()
    page.get_by_role("button", name="Weiter").click()
    page.get_by_label("Name", exact=True).fill("Max Muster")
    # Someone else books the same window meanwhile.
    from datetime import date

    from booking import scheduling
    from booking.models import ServiceType

    with app.app_context():
        service = db.session.scalar(select(ServiceType))
        customer = scheduling.Customer("A", "a@example.org", "040 1", "W 1", "20095", "Hamburg")
        scheduling.book(service, customer, date.fromisoformat(day), int(window))
    page.get_by_label("E-Mail").fill("max@example.org")
    page.get_by_label("Telefon").fill("040 7654321")
    page.get_by_label("Straße und Hausnummer").fill("Weg 2")
    page.get_by_label("Ort").fill("Hamburg")
    page.get_by_label(re.compile("Ich bin einverstanden")).check()
    page.get_by_role("button", name="Verbindlich buchen").click()
    expect(page.get_by_role("alert")).to_contain_text("gerade vergeben")
    page.locator("input[name=slot]").first.check()
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Max Muster")
    expect(page.get_by_label("Ort")).to_have_value("Hamburg")
