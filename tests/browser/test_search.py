"""In the browser: search from the home page, with and without the suggestions."""

import re

import pytest
from playwright.sync_api import Page, expect

from articles import indexing
from tests.articles.helpers import publish_article

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server):
    base_url, app = live_server
    publish_article(
        app,
        title="Waschmaschine entkalken",
        body="## Vorgehen\n\nMit Zitronensäure entkalken Sie die Maschine.",
    )
    publish_article(app, title="Flusensieb reinigen", body="## Ort\n\nUnten rechts.")
    with app.app_context():
        indexing.rebuild(app)
    return base_url


def test_customer_searches_from_the_home_page_and_opens_a_result(site, page: Page):
    page.goto(site + "/de/")
    page.get_by_label("Wobei können wir Ihnen helfen?").fill("Zitronensäure")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_role("status")).to_contain_text("1 Artikel")
    expect(page.locator(".snippet mark")).to_have_text("Zitronensäure")
    page.get_by_role("link", name="Waschmaschine entkalken").click()
    expect(page).to_have_url(re.compile(r"/de/artikel/waschmaschine-entkalken#vorgehen$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Waschmaschine entkalken")


def test_suggestions_appear_while_typing_and_work_by_keyboard(site, page: Page):
    page.goto(site + "/de/")
    box = page.get_by_role("combobox", name="Wobei können wir Ihnen helfen?")
    box.press_sequentially("entkal", delay=30)
    option = page.get_by_role("option", name="Waschmaschine entkalken")
    expect(option).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/de/artikel/waschmaschine-entkalken$"))
