"""axe-core in headless Chromium: every page of the knowledge base, in German and English."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from portal.extensions import db
from portal.models import Role, create_user
from tests.articles.helpers import publish_article
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

CUSTOMER_PAGES = [
    "/{lang}/",
    "/{lang}/kategorie/{category}",
    "/{lang}/artikel/{slug}",
    "/{lang}/suche?q={query}",
    "/{lang}/suche?q=nichtsgefunden",
    "/{lang}/suche?q={typo}",
    "/{lang}/artikel/gibt-es-nicht",
    "/staff/login",
]
STAFF_PAGES = [
    "/staff/",
    "/staff/articles/",
    "/staff/articles/new",
    "/staff/articles/1",
    "/staff/articles/1/history",
    "/staff/articles/1/diff?from=1&to=2",
    "/staff/articles/images",
    "/staff/users/",
    "/staff/users/new",
    "/staff/users/1",
    "/staff/search/",
    "/staff/search/synonyms",
    "/staff/feedback/",
    "/staff/feedback/1",
]
SAMPLES = {
    "de": {"category": "waschmaschinen", "slug": "tuer-klemmt", "query": "Tür", "typo": "Tüür"},
    "en": {
        "category": "washing-machines",
        "slug": "door-is-stuck",
        "query": "door",
        "typo": "dooor",
    },
}


def _violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in results.response["violations"]
    ]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_pages_have_no_axe_violations(live_server, page: Page, lang):
    base_url, app = live_server
    slug = publish_article(app)
    publish_article(app, title="Door is stuck", language="en", category="Washing machines")
    with app.app_context():
        from sqlalchemy import select

        from articles import authoring
        from articles.models import Article

        authoring.save(
            db.session.scalar(select(Article).where(Article.slug == slug)),
            authoring.Content(
                title="Tür klemmt",
                body="Neu",
                language="de",
                category="Waschmaschinen/Probleme lösen",
            ),
            None,
        )
        admin = create_user("admin@portal.example", "Admin", Role.ADMIN, PASSWORD)
        db.session.commit()
        from articles import voting
        from articles.models import Reason

        article = db.session.scalar(select(Article).where(Article.slug == slug))
        for number, reason in enumerate(Reason):
            ballot = voting.Ballot(False, reason, f"Kommentar {number}")
            voting.cast(article, f"visitor-{number}", f"address-{number}", ballot, "tür")
        voting.cast(article, "visitor-yes", "address-yes", voting.Ballot(True))
        voting.resolve(admin, article, 1)
        from articles import indexing

        indexing.rebuild(app)

    page.goto(f"{base_url}/sprache/{lang}?next=/staff/login")
    page.fill("#email", "admin@portal.example")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")

    found = {}
    for template in CUSTOMER_PAGES + STAFF_PAGES:
        url = template.format(lang=lang, **SAMPLES[lang])
        page.goto(base_url + url)
        violations = _violations(page)
        if violations:
            found[url] = violations
    # The vote box after "No", with the question what was missing.
    article_url = f"/{lang}/artikel/{SAMPLES[lang]['slug']}"
    page.goto(base_url + article_url)
    page.locator("#feedback .vote-buttons button[value=no]").click()
    page.locator("#feedback .vote-reason").wait_for()
    page.locator("#feedback .vote-reason button[type=submit]").click()
    found.update({f"{article_url} (vote: reason)": v for v in [_violations(page)] if v})
    assert found == {}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_booking_pages_have_no_axe_violations(live_server, page: Page, lang):
    from tests.booking.helpers import CUSTOMER, add_service, add_technician

    base_url, app = live_server
    with app.app_context():
        add_technician("Jens Albers", add_service())
    found = {}

    def check(name):
        violations = _violations(page)
        if violations:
            found[name] = violations

    page.goto(f"{base_url}/{lang}/termin")
    check("step 1")
    page.locator("#postcode").fill("99999")
    page.locator(".form-actions .button").first.click()
    check("step 1, postcode not covered")
    page.locator("#postcode").fill("20095")
    page.locator(".form-actions .button").first.click()
    check("step 2")
    page.locator("#device_type").fill("Waschmaschine")
    page.locator("#problem").fill("Es riecht nach Gas")
    page.locator(".form-actions .button").first.click()
    check("step 3, emergency")
    page.locator("input[name=slot]").first.check()
    page.locator(".form-actions .button").first.click()
    check("step 4")
    page.locator(".form-actions .button").first.click()
    check("step 4 with errors")
    for name in ("name", "email", "phone", "street", "city"):
        page.locator(f"#{name}").fill(CUSTOMER[name])
    page.locator("#consent").check()
    page.locator(".form-actions .button").first.click()
    check("manage page")
    page.locator(".manage-actions a.button").click()
    check("reschedule page")
    assert found == {}
