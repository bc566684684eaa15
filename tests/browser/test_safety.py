"""In Chromium, as a frightened customer would: a gas smell searched or described while booking
is answered with what to do now, first, with and without JavaScript, in German and English."""

import pytest
from playwright.sync_api import Browser, Page, expect

from articles import indexing
from tests.articles.helpers import publish_article
from tests.booking.helpers import add_service, add_technician

pytestmark = pytest.mark.browser
WORDS = {
    "de": {
        "query": "riecht nach gas im keller",
        "problem": "Es riecht im Keller stark nach Gas. Therme zeigt F28.",
        "title": "Riechen Sie Gas? Verlassen Sie jetzt das Gebäude.",
        "search": "Suchen",
        "service": "Was benötigen Sie?",
        "postcode": "Postleitzahl des Einsatzorts",
        "next": "Weiter",
        "device": "Gerät",
        "problem_label": "Was ist defekt?",
    },
    "en": {
        "query": "I smell gas in the basement",
        "problem": "There is a strong smell of gas in the basement, the boiler shows F28.",
        "title": "Do you smell gas? Leave the building now.",
        "search": "Search",
        "service": "What do you need?",
        "postcode": "Postcode of the visit",
        "next": "Next",
        "device": "Device",
        "problem_label": "What is wrong?",
    },
}


@pytest.fixture
def site(live_server):
    base_url, app = live_server
    with app.app_context():
        add_technician("Jens Albers", add_service())
    publish_article(
        app,
        title="Gasgeruch: Was Sie jetzt tun müssen",
        slug="gasgeruch",
        body="## Sofort\n\nKein Licht schalten und das Haus verlassen.",
        category="Sicherheit/Notfälle",
    )
    publish_article(
        app,
        title="Smell of gas: what to do now",
        slug="smell-of-gas",
        language="en",
        category="Safety/Emergencies",
        body="## Now\n\nDo not switch lights, leave the building.",
    )
    publish_article(app, title="Gastherme: Fehlercode F28", body="Die Flamme zündet nicht.")
    with app.app_context():
        indexing.rebuild(app)
    return base_url


@pytest.mark.parametrize("lang", ["de", "en"])
def test_searching_a_gas_smell_shows_the_safety_box_before_any_result(site, page: Page, lang):
    words = WORDS[lang]
    page.goto(f"{site}/{lang}/")
    page.locator("#search-q").fill(words["query"])
    page.get_by_role("button", name=words["search"], exact=True).click()
    box = page.get_by_role("alert").filter(has_text=words["title"])
    expect(box).to_be_visible()
    expect(box.get_by_role("link", name="0800 555 0100")).to_be_visible()
    first_result = page.locator(".result-list li").first
    expect(first_result).to_contain_text("what to do now" if lang == "en" else "Was Sie jetzt")
    assert box.bounding_box()["y"] < first_result.bounding_box()["y"]


def _book_until_the_problem(page: Page, base_url: str, lang: str) -> None:
    words = WORDS[lang]
    page.goto(f"{base_url}/{lang}/termin")
    page.get_by_label(words["service"]).select_option(index=0)
    page.get_by_label(words["postcode"]).fill("20095")
    page.get_by_role("button", name=words["next"]).click()
    page.get_by_label(words["device"], exact=True).fill("Gastherme")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_gas_smell_never_reaches_the_windows_with_javascript(site, page: Page, lang):
    words = WORDS[lang]
    _book_until_the_problem(page, site, lang)
    page.get_by_label(words["problem_label"]).press_sequentially(words["problem"], delay=5)
    live = page.locator("[data-triage-for]")
    expect(live).to_contain_text(words["title"])  # while typing, before sending
    expect(live.get_by_role("link", name="0800 555 0100")).to_be_visible()
    page.get_by_role("button", name=words["next"]).click()
    expect(page.get_by_role("alert").filter(has_text=words["title"])).to_be_visible()
    expect(page.locator("input[type=radio][name=slot]")).to_have_count(0)
    page.get_by_role("button", name=words["next"]).click()  # insisting changes nothing
    expect(page.locator("input[type=radio][name=slot]")).to_have_count(0)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_gas_smell_never_reaches_the_windows_without_javascript(site, browser: Browser, lang):
    words = WORDS[lang]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _book_until_the_problem(page, site, lang)
    page.get_by_label(words["problem_label"]).fill(words["problem"])
    page.get_by_role("button", name=words["next"]).click()
    expect(page.get_by_role("alert").filter(has_text=words["title"])).to_be_visible()
    expect(page.locator("input[type=radio][name=slot]")).to_have_count(0)
    expect(page.get_by_label(words["problem_label"])).to_have_value(words["problem"])
    context.close()
