"""End-to-end in headless Chromium: customers read, editors write and publish."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.articles.helpers import publish_article
from tests.helpers.staff import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, page: Page):
    base_url, app = live_server
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    yield base_url, app
    assert errors == [], errors


def test_customer_opens_a_category_and_reads_an_article(site, page: Page):
    base_url, app = site
    publish_article(app, body="## Ursache\n\nDie Tür ist verriegelt.\n\n## Lösung\n\nWarten.")
    page.goto(base_url + "/")
    expect(page).to_have_url(base_url + "/de/")
    page.get_by_role("link", name=re.compile("Waschmaschinen")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waschmaschinen")
    page.get_by_role("link", name="Tür klemmt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tür klemmt")
    page.get_by_role("navigation", name="Inhalt").get_by_role("link", name="Lösung").click()
    expect(page).to_have_url(re.compile("#loesung$"))
    expect(page.get_by_role("navigation", name="Brotkrumennavigation")).to_contain_text(
        "Probleme lösen"
    )


def test_editor_writes_with_live_preview_publishes_and_a_customer_sees_it(
    site, page: Page, browser
):
    base_url, app = site
    from portal.extensions import db
    from portal.models import Role, create_user

    with app.app_context():
        create_user("redaktion@portal.example", "Redaktion", Role.EDITOR, PASSWORD)
        db.session.commit()

    page.goto(base_url + "/staff/login")
    page.get_by_label("E-Mail").fill("redaktion@portal.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mitarbeiterbereich")

    page.get_by_role("link", name="Neuer Artikel").first.click()
    page.get_by_label("Titel").fill("Kühlschrank brummt laut")
    page.get_by_label("Kategorie").fill("Kühlschränke/Probleme lösen")
    page.get_by_label("Schlagwörter").fill("kühlschrank, geräusch")
    page.get_by_label("Zusammenfassung").fill("Welche Geräusche normal sind.")
    page.get_by_label("Text (Markdown)").fill(
        "## Normale Geräusche\n\nDer Kompressor brummt.\n\n!!! achtung\n    Stecker ziehen."
    )
    preview = page.locator("#preview")
    expect(preview.get_by_role("heading", name="Normale Geräusche")).to_be_visible()
    expect(preview.locator(".admonition.achtung")).to_contain_text("Stecker ziehen.")

    page.get_by_role("button", name="Veröffentlichen", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("Artikel veröffentlicht.")

    customer = browser.new_page()
    customer.goto(base_url + "/de/")
    customer.get_by_role("link", name="Kühlschrank brummt laut").click()
    expect(customer.get_by_role("heading", level=1)).to_have_text("Kühlschrank brummt laut")
    expect(customer.locator(".article-body")).to_contain_text("Der Kompressor brummt.")
    customer.close()
