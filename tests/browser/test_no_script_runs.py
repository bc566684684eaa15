"""Stored and reflected XSS payloads, shown by the real browser: no injected script ever runs
(any alert, confirm or prompt dialog fails the test)."""

from urllib.parse import quote

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from articles import authoring, voting
from articles.models import BODY_MAX, Article, Reason
from articles.rendering import markup_problem, render_markdown
from booking import scheduling
from booking.models import ServiceType
from portal.extensions import db
from tests.booking.helpers import in_days
from tests.helpers.config import once
from tests.helpers.staff import PASSWORD
from tests.judges.corpora import markdown_payloads, packed, xss_payloads
from tests.judges.site import populate

pytestmark = [pytest.mark.browser, pytest.mark.judge, once]


def _bodies(paragraphs: list[str]) -> list[str]:
    """The paragraphs as article bodies an editor can save, each as long as the renderer's
    bounds allow; what cannot be saved even alone (too costly to render, or showing an image
    from elsewhere) is left out: tests/judges/test_markup_safety.py renders that."""
    groups, current = [], []
    for paragraph in paragraphs:
        if markup_problem(paragraph):
            continue
        candidate = "\n\n".join([*current, paragraph])
        if current and (len(candidate) > BODY_MAX or markup_problem(candidate)):
            groups.append(current)
            current = [paragraph]
        else:
            current.append(paragraph)
    return [body for group in [*groups, current] if group for body in _savable(group)]


def _savable(group: list[str]) -> list[str]:
    """``group`` as one body, or halved until no part shows an image from elsewhere."""
    body = "\n\n".join(group)
    if not render_markdown(body).foreign_images:
        return [body]
    if len(group) == 1:
        return []
    middle = len(group) // 2
    return _savable(group[:middle]) + _savable(group[middle:])


def _store_hostile_content(app, site) -> tuple[int, int, str, list[str]]:
    payloads = [p for p in xss_payloads() if "\x00" not in p]  # NUL is refused at the door
    body, *more = _bodies(packed([*markdown_payloads(), *payloads], 400))
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == site.slug_de))
        authoring.save(
            article,
            authoring.Content(
                title=payloads[0][:200],
                body=body,
                language="de",
                category="Waschmaschinen/Probleme lösen",
                summary=payloads[1][:300],
                tags=[payloads[2][:60]],
            ),
            None,
            message=payloads[3][:200],
        )
        authoring.publish(article)
        others = []
        for number, text in enumerate(more):
            content = authoring.Content(f"Feindlich {number}", text, "de", "Waschmaschinen")
            other = authoring.create_article(content, None)
            authoring.publish(other)
            others.append(other.slug)
        for number, comment in enumerate(packed(payloads, 1000)[:30]):
            ballot = voting.Ballot(False, Reason.OTHER, comment)
            voting.cast(article, f"hostile-{number}", f"hostile-{number}", ballot, comment[:200])
        service = db.session.scalar(select(ServiceType))
        text = packed(payloads[100:], 80)
        customer = scheduling.Customer(
            text[0],
            "x@example.org",
            "040 1234567",
            text[1],
            "20095",
            text[2],
            text[3],
            text[4],
            text[5],
            text[6],
            problem=packed(payloads[200:], 2000)[0],
        )
        appointment = scheduling.book(service, customer, in_days(5), 1)
        db.session.commit()
        return article.id, appointment.id, scheduling.manage_token(appointment), others


def test_no_injected_script_runs(live_server, page: Page):
    base_url, app = live_server
    site = populate(app)
    article_id, appointment_id, token, others = _store_hostile_content(app, site)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append((page.url, dialog.message)), dialog.dismiss()))
    page.goto(base_url + "/de/")
    page.evaluate("alert('probe')")
    assert [message for _, message in dialogs] == ["probe"]  # the listener does hear dialogs
    dialogs.clear()
    reflected = [quote(p) for p in xss_payloads()[:40:4]]
    customer = [f"/de/artikel/{site.slug_de}", f"/de/termin/verwalten/{token}", "/de/"]
    customer += [f"/de/artikel/{slug}" for slug in others]
    customer += [f"/de/suche?q={query}" for query in reflected]
    for path in customer:
        page.goto(base_url + path)
    page.goto(base_url + "/staff/login")
    page.fill("#email", "admin@portal.example")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    staff = [
        f"/staff/articles/{article_id}",
        f"/staff/articles/{article_id}/history",
        f"/staff/articles/{article_id}/diff?from=1&to=3",
        f"/staff/feedback/{article_id}",
        "/staff/feedback/",
        f"/staff/termine/{appointment_id}",
        f"/staff/termine/?tag={in_days(5)}",
        f"/staff/termine/woche?ab={in_days(5)}",
    ]
    for path in staff:
        page.goto(base_url + path)
    page.goto(base_url + f"/staff/articles/{article_id}")
    page.wait_for_timeout(1500)  # the editor's live preview renders the body once more
    assert dialogs == []
