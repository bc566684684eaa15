"""In Chromium on a phone: a question the knowledge base has no article for is told so, with
the ways to reach us in reach and the weak matches set apart."""

import pytest
from playwright.sync_api import Browser, expect

from articles import indexing
from tests.articles.helpers import publish_article

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server):
    base_url, app = live_server
    publish_article(
        app,
        title="Heizungswartung im Herbst",
        category="Heizung",
        body="## Ablauf\n\nDer Techniker prüft den Brenner.",
    )
    with app.app_context():
        indexing.rebuild(app)
    return base_url


def test_nothing_found_on_a_phone(site, browser: Browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{site}/de/")
    page.locator("#search-q").fill("Brenner vom Gasgrill reinigen")
    page.locator("#search-q").press("Enter")
    status = page.get_by_role("status").filter(has_text="keinen passenden Artikel")
    expect(status).to_be_visible()
    expect(page.get_by_role("link", name="Rückruf anfordern")).to_be_visible()
    expect(page.locator("#main").get_by_role("link", name="Techniker buchen")).to_be_visible()
    weak = page.get_by_role("heading", name="Vielleicht hilft Ihnen auch")
    expect(weak).to_be_visible()
    assert status.bounding_box()["y"] < weak.bounding_box()["y"]  # the honest answer first
    assert page.locator(".result-list-weak li").count() <= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing cut off
    page.get_by_role("link", name="Rückruf anfordern").click()
    expect(page.get_by_label("Worum geht es?")).to_have_value("Brenner vom Gasgrill reinigen")
    context.close()
