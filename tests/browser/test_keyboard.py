"""Keyboard only, in headless Chromium: a customer books a technician and votes on an article
with Tab, Enter, Space, arrow keys and typing. No clicks, no fills and no programmatic focus:
each page is reached from the one before by keyboard, so every control used is proven
reachable with Tab, and its focus must be visible."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from articles import indexing
from articles.models import ArticleVote
from booking.models import Appointment, ServiceKind, ServiceType, Status
from portal.extensions import db
from tests.articles.helpers import publish_article
from tests.booking.helpers import add_service, add_technician

pytestmark = pytest.mark.browser

MAX_TABS = 80
# The focused element, described for a failure message.
DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return "body"; }
  const label = el.getAttribute("aria-label")
    || (el.labels && el.labels[0] && el.labels[0].textContent)
    || el.textContent || el.value || "";
  return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.name ? "[name=" + el.name + "]" : "")
    + ' "' + label.trim().replace(/\\s+/g, " ").slice(0, 40) + '"';
}"""
# Why the focus on this element cannot be seen, or null when an outline or a shadow shows it.
INVISIBLE_FOCUS = """el => {
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  if (outline || style.boxShadow !== "none") { return null; }
  return "outline " + style.outlineStyle + " " + style.outlineWidth
    + ", box-shadow " + style.boxShadow;
}"""


class Keyboard:
    """Moves through a page as a keyboard user does, noting controls whose focus is not seen."""

    def __init__(self, page: Page):
        self.page = page
        self.invisible_focus: dict[str, str] = {}

    def tab_to(self, target: Locator, what: str) -> None:
        """Press Tab until ``target`` has the focus; fail naming where the focus went instead."""
        expect(target).to_have_count(1)
        stops = []
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Tab")
            if target.evaluate("el => el === document.activeElement"):
                self.note_focus(what)
                return
            stops.append(self.page.evaluate(DESCRIBE_FOCUS))
        pytest.fail(
            f"{what}: not reached with {MAX_TABS} Tabs; the focus went " + " → ".join(stops)
        )

    def note_focus(self, what: str) -> None:
        problem = self.page.evaluate(f"({INVISIBLE_FOCUS})(document.activeElement)")
        if problem:
            self.invisible_focus[what] = problem

    def type_into(self, target: Locator, what: str, text: str) -> None:
        self.tab_to(target, what)
        self.page.keyboard.type(text)

    def press_on(self, target: Locator, what: str, key: str = "Enter") -> None:
        self.tab_to(target, what)
        self.page.keyboard.press(key)


@pytest.fixture
def errors(page: Page):
    found = []
    page.on("pageerror", lambda error: found.append(str(error)))
    yield found
    assert found == []


def test_customer_books_a_technician_with_the_keyboard_only(live_server, page: Page, errors):
    base_url, app = live_server
    with app.app_context():
        repair = add_service()  # "Reparatur Waschmaschine", after "Heizungswartung" in the list
        db.session.add(
            ServiceType(
                name_de="Heizungswartung",
                name_en="Heating maintenance",
                kind=ServiceKind.MAINTENANCE,
                duration_minutes=60,
                needs_description=False,
            )
        )
        db.session.commit()
        add_technician("Jens Albers", repair)
    keys = Keyboard(page)
    page.goto(f"{base_url}/de/")

    keys.press_on(page.get_by_role("link", name="Techniker buchen", exact=True), "Techniker buchen")
    expect(page).to_have_url(re.compile("/de/termin$"))

    # Step 1: the select changes with the arrow keys; the default is the other service.
    service = page.get_by_label("Was benötigen Sie?")
    keys.tab_to(service, "Was benötigen Sie?")
    for _ in range(5):
        if service.input_value() == str(repair):
            break
        page.keyboard.press("ArrowDown")
    expect(service).to_have_value(str(repair))
    keys.type_into(page.get_by_label("Postleitzahl des Einsatzorts"), "Postleitzahl", "20095")
    keys.press_on(page.get_by_role("button", name="Weiter"), "Weiter (Schritt 1)")

    # Step 2.
    keys.type_into(page.get_by_label("Gerät", exact=True), "Gerät", "Waschmaschine")
    keys.type_into(page.get_by_label("Marke"), "Marke", "Bosch")
    keys.type_into(page.get_by_label("Was ist defekt?"), "Was ist defekt?", "Die Tür klemmt")
    keys.press_on(page.get_by_role("button", name="Weiter"), "Weiter (Schritt 2)")

    # Step 3: Tab enters the group of windows at the first; the arrow keys choose the third.
    windows = page.locator("input[name=slot]")
    keys.tab_to(windows.first, "erstes Zeitfenster")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    chosen = windows.nth(2).get_attribute("value")
    expect(windows.nth(2)).to_be_checked()
    expect(windows.nth(2)).to_be_focused()
    keys.note_focus("drittes Zeitfenster")
    keys.press_on(page.get_by_role("button", name="Weiter"), "Weiter (Schritt 3)")

    # Step 4.
    for label, text in (
        ("Name", "Erika Mustermann"),
        ("E-Mail", "erika@example.org"),
        ("Telefon", "040 1234567"),
        ("Straße und Hausnummer", "Hauptstraße 1"),
        ("Ort", "Hamburg"),
    ):
        keys.type_into(page.get_by_label(label, exact=True), label, text)
    consent = page.get_by_label(re.compile("Ich bin einverstanden"))
    keys.press_on(consent, "Einwilligung", "Space")
    expect(consent).to_be_checked()
    keys.press_on(page.get_by_role("button", name="Verbindlich buchen"), "Verbindlich buchen")

    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Termin")
    expect(page.get_by_text("Ihr Termin ist gebucht.")).to_be_visible()
    with app.app_context():
        appointment = db.session.scalar(select(Appointment))
        assert f"{appointment.day.isoformat()}/{appointment.first_window}" == chosen
        assert appointment.service_type_id == repair
        assert appointment.status is Status.REQUESTED
        assert (appointment.customer_name, appointment.email, appointment.city) == (
            "Erika Mustermann",
            "erika@example.org",
            "Hamburg",
        )
        assert (appointment.device_type, appointment.brand, appointment.problem) == (
            "Waschmaschine",
            "Bosch",
            "Die Tür klemmt",
        )
    assert keys.invisible_focus == {}


def _votes(app) -> list[tuple]:
    with app.app_context():
        return [
            (vote.helpful, vote.reason.value if vote.reason else None, vote.comment)
            for vote in db.session.scalars(select(ArticleVote))
        ]


def test_customer_finds_an_article_and_votes_with_the_keyboard_only(
    live_server, page: Page, errors
):
    base_url, app = live_server
    slug = publish_article(app)
    with app.app_context():
        indexing.rebuild(app)
    keys = Keyboard(page)
    page.goto(f"{base_url}/de/")

    keys.type_into(page.get_by_label("Wobei können wir Ihnen helfen?"), "Suchfeld", "Tür")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/de/suche\\?q=T"))
    keys.press_on(page.get_by_role("link", name="Tür klemmt"), "Treffer „Tür klemmt“")
    expect(page).to_have_url(re.compile(f"/de/artikel/{slug}"))

    box = page.locator("#feedback")
    keys.press_on(box.get_by_role("button", name="Ja", exact=True), "Ja", "Space")
    expect(box.get_by_role("heading", name="Danke für Ihre Rückmeldung!")).to_be_focused()
    assert _votes(app) == [(True, None, None)]

    keys.press_on(box.get_by_role("button", name="Doch nicht hilfreich"), "Doch nicht hilfreich")
    expect(box.get_by_role("heading", name="Schade, dass der Artikel")).to_be_focused()
    send = box.get_by_role("button", name="Rückmeldung senden")
    keys.press_on(send, "Rückmeldung senden (leer)")
    # Sent without an answer: the message, and the focus on the first reason.
    expect(box.get_by_role("status")).to_have_text(re.compile("Bitte wählen Sie"))
    expect(box.get_by_label("Veraltet")).to_be_focused()
    keys.note_focus("Veraltet")
    page.keyboard.press("ArrowDown")
    expect(box.get_by_label("Unverständlich")).to_be_checked()
    keys.note_focus("Unverständlich")
    comment = box.get_by_label(re.compile("Möchten Sie uns noch etwas mitteilen"))
    keys.type_into(comment, "Kommentar", "Welches Sieb?")
    keys.press_on(send, "Rückmeldung senden")

    expect(box.get_by_text("Wir nutzen sie, um diesen Artikel zu verbessern.")).to_be_visible()
    assert _votes(app) == [(False, "unclear", "Welches Sieb?")]
    assert keys.invisible_focus == {}
