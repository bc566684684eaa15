"""An article on a phone: nothing wider than the screen, wide tables scroll inside themselves,
and the contents list waits at the top."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.articles.helpers import publish_article
from tests.helpers.pages import PHONE, WIDE_TABLE

pytestmark = pytest.mark.browser


@pytest.fixture
def article_url(live_server):
    base_url, app = live_server
    slug = publish_article(app, title="Wartungsprotokoll lesen", body=WIDE_TABLE)
    return f"{base_url}/de/artikel/{slug}"


def test_an_article_with_a_wide_table_fits_a_phone(article_url, page: Page):
    page.set_viewport_size(PHONE)
    page.goto(article_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Wartungsprotokoll lesen")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    table = page.locator(".article-body table")
    sizes = table.evaluate("t => [t.scrollWidth, t.clientWidth]")
    assert sizes[0] > sizes[1], sizes  # the table scrolls inside itself
    text = page.locator(".article-body p").first
    expect(text).to_contain_text("Der Techniker prüft jedes Bauteil")
    box = text.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_a_wide_table_scrolls_with_the_keyboard(article_url, page: Page):
    page.set_viewport_size(PHONE)
    page.goto(article_url)
    table = page.get_by_role("table", name="Tabelle, seitlich scrollbar")
    expect(table).to_have_attribute("tabindex", "0")
    table.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # Polled from here: the page's CSP forbids the eval that wait_for_function's polling uses.
    for _ in range(50):
        if table.evaluate("table => table.scrollLeft") > 0:
            break
        page.wait_for_timeout(100)
    assert table.evaluate("table => table.scrollLeft") > 0


def test_the_contents_list_waits_closed_above_the_text_on_a_phone(article_url, page: Page):
    page.set_viewport_size(PHONE)
    page.goto(article_url)
    contents = page.get_by_role("navigation", name="Inhalt")
    summary = contents.locator("summary")
    expect(summary).to_have_text("Inhalt")
    first_heading = page.locator(".article-body h2").first
    expect(first_heading).to_have_text("Prüfung")
    assert summary.bounding_box()["y"] < first_heading.bounding_box()["y"]
    link = contents.get_by_role("link", name="Lösung")
    expect(link).to_be_hidden()

    summary.click()
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile("#loesung$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_contents_list_stands_open_beside_the_text_on_a_wide_screen(article_url, page: Page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(article_url)
    contents = page.get_by_role("navigation", name="Inhalt")
    expect(contents.get_by_role("link", name="Lösung")).to_be_visible()
    article = page.locator("article.article").bounding_box()
    assert contents.bounding_box()["x"] >= article["x"] + article["width"]
    table = page.locator(".article-body table").bounding_box()
    assert table["x"] + table["width"] <= article["x"] + article["width"]  # not over the column
    assert page.locator("[id=toc-heading]").count() == 1


def test_the_gas_numbers_are_on_the_first_screen_of_a_phone(live_server, page: Page):
    """A gas search on a phone: the number to call sits under the box's heading, before the
    search field and the steps, on the first screen."""
    base_url, _ = live_server
    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}/de/suche?q=Es riecht nach Gas im Keller")
    call = page.locator("#safety .safety-numbers a.number").first
    expect(call).to_have_text("0800 555 0100")
    box = call.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    steps = page.locator("#safety .safety-steps")
    assert box["y"] < steps.bounding_box()["y"]
    assert box["y"] < page.locator("input[name=q]").first.bounding_box()["y"]
