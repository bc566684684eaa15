"""'War dieser Artikel hilfreich?' in headless Chromium, with JavaScript and without."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from articles.models import ArticleVote
from portal.extensions import db
from tests.articles.helpers import publish_article

pytestmark = pytest.mark.browser

SORRY = "Schade, dass der Artikel nicht geholfen hat."


def _votes(app):
    with app.app_context():
        return [
            (vote.helpful, vote.reason.value if vote.reason else None, vote.comment)
            for vote in db.session.scalars(select(ArticleVote))
        ]


def _box(page: Page):
    return page.locator("#feedback")


def test_vote_change_and_withdraw_without_a_reload(live_server, page: Page):
    base_url, app = live_server
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    slug = publish_article(app)
    page.goto(f"{base_url}/de/artikel/{slug}")
    page.evaluate("window.notReloaded = true")
    box = _box(page)

    box.get_by_role("button", name="Ja").click()
    expect(box.get_by_role("heading", name="Danke für Ihre Rückmeldung!")).to_be_focused()
    assert _votes(app) == [(True, None, None)]

    box.get_by_role("button", name="Doch nicht hilfreich").click()
    expect(box.get_by_role("heading", name=SORRY)).to_be_visible()
    box.get_by_role("button", name="Rückmeldung senden").click()
    expect(box.get_by_role("status")).to_have_text(re.compile("Bitte wählen Sie"))
    box.get_by_label("Unverständlich").check()
    box.get_by_label(re.compile("Möchten Sie uns noch etwas mitteilen")).fill("Welches Sieb?")
    box.get_by_role("button", name="Rückmeldung senden").click()
    expect(box.get_by_text("Wir nutzen sie, um diesen Artikel zu verbessern.")).to_be_visible()
    assert _votes(app) == [(False, "unclear", "Welches Sieb?")]

    box.get_by_role("button", name="Meine Bewertung zurücknehmen").click()
    expect(box.get_by_role("heading", name="War dieser Artikel hilfreich?")).to_be_visible()
    assert _votes(app) == []
    # Focus returns to "Ja", so a keyboard user votes again with Enter alone.
    expect(box.get_by_role("button", name="Ja")).to_be_focused()
    page.keyboard.press("Enter")
    expect(box.get_by_text("Sie fanden diesen Artikel hilfreich.")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    assert _votes(app) == [(True, None, None)]

    page.reload()
    expect(box.get_by_text("Sie fanden diesen Artikel hilfreich.")).to_be_visible()
    assert errors == []


def test_vote_change_and_withdraw_without_javascript(live_server, browser: Browser):
    base_url, app = live_server
    slug = publish_article(app)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base_url}/de/artikel/{slug}")
    box = _box(page)

    box.get_by_role("button", name="Nein").click()
    expect(page).to_have_url(re.compile(f"/de/artikel/{slug}#feedback$"))
    expect(box.get_by_role("heading", name=SORRY)).to_be_visible()
    assert _votes(app) == [(False, None, None)]

    comment = "x" * 1001
    box.get_by_label("Veraltet").check()
    box.get_by_label(re.compile("Möchten Sie uns noch etwas mitteilen")).evaluate(
        "(field, text) => { field.removeAttribute('maxlength'); field.value = text; }", comment
    )
    box.get_by_role("button", name="Rückmeldung senden").click()
    expect(box.get_by_text("Ihr Kommentar hat 1001 Zeichen; bitte höchstens 1000.")).to_be_visible()
    expect(box.get_by_label(re.compile("Möchten Sie uns noch etwas mitteilen"))).to_have_value(
        comment
    )
    expect(box.get_by_label("Veraltet")).to_be_checked()
    assert _votes(app) == [(False, None, None)]

    box.get_by_label(re.compile("Möchten Sie uns noch etwas mitteilen")).fill("Seit 2025 anders.")
    box.get_by_role("button", name="Rückmeldung senden").click()
    expect(box.get_by_text("Wir nutzen sie, um diesen Artikel zu verbessern.")).to_be_visible()
    assert _votes(app) == [(False, "outdated", "Seit 2025 anders.")]

    box.get_by_role("button", name="Doch hilfreich").click()
    expect(box.get_by_text("Sie fanden diesen Artikel hilfreich.")).to_be_visible()
    assert _votes(app) == [(True, None, None)]

    box.get_by_role("button", name="Meine Bewertung zurücknehmen").click()
    expect(box.get_by_role("heading", name="War dieser Artikel hilfreich?")).to_be_visible()
    assert _votes(app) == []
    context.close()
