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
        create_user("admin@portal.example", "Admin", Role.ADMIN, PASSWORD)
        db.session.commit()
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
    assert found == {}
