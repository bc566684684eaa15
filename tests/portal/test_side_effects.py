"""GET links that remember or count something do so only when the visitor opened them, not
when another site or an image made the browser send them."""

import re

import pytest
from sqlalchemy import func, select

from articles import indexing
from articles.models import SearchQuery
from booking.models import Deflection
from portal.extensions import db
from tests.articles.helpers import publish_article

ELSEWHERE = [
    {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "image"},
    {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "document"},
    {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": "image"},  # an <img> in an article
    {"Referer": "https://evil.example/page"},  # a browser without Fetch Metadata
]
OWN_CLICK = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": "document"}


@pytest.mark.parametrize("headers", ELSEWHERE)
def test_a_language_switch_from_elsewhere_changes_no_choice(client, headers):
    answer = client.get("/sprache/en?next=/de/", headers=headers)
    assert answer.status_code == 302 and "lang=" not in answer.headers.get("Set-Cookie", "")
    mine = client.get("/sprache/en?next=/de/", headers=OWN_CLICK)
    assert "lang=en" in mine.headers["Set-Cookie"]


@pytest.fixture
def searched(app):
    publish_article(app)
    with app.app_context():
        indexing.rebuild(app)
    client = app.test_client()
    page = client.get("/de/suche?q=Tür").get_data(as_text=True)
    link = re.search(r'href="(/de/suche/treffer/[^"]+)"', page).group(1).replace("&amp;", "&")
    return client, link


def _clicked(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(SearchQuery.clicked_slug.is_not(None)))


@pytest.mark.parametrize("headers", ELSEWHERE)
def test_a_result_click_fired_from_elsewhere_is_not_counted(app, searched, headers):
    client, link = searched
    answer = client.get(link, headers=headers)
    assert answer.status_code == 302 and _clicked(app) == 0
    client.get(link, headers=OWN_CLICK)
    assert _clicked(app) == 1


@pytest.mark.parametrize("headers", ELSEWHERE)
def test_a_deflection_fired_from_elsewhere_is_not_counted(app, client, headers):
    assert client.get("/de/termin/hilfe/tuer-klemmt", headers=headers).status_code == 302
    client.get("/de/termin/hilfe/tuer-klemmt", headers=OWN_CLICK)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Deflection)) == 1


def _searches(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SearchQuery))


@pytest.mark.parametrize("headers", ELSEWHERE)
def test_a_search_fired_from_elsewhere_is_answered_but_not_logged(app, headers):
    """An <img src=".../de/suche?q=..."> on another site would plant content gaps and
    suggestions with every visitor's browser."""
    publish_article(app)
    with app.app_context():
        indexing.rebuild(app)
    client = app.test_client()
    answer = client.get("/de/suche?q=Tür", headers=headers)
    assert answer.status_code == 200 and "Tür klemmt" in answer.text
    assert 'href="/de/suche/treffer/' not in answer.text  # no click link without a log entry
    assert _searches(app) == 0
    client.get("/de/suche?q=Tür", headers=OWN_CLICK)
    assert _searches(app) == 1


def test_an_api_search_from_another_site_is_not_logged(app):
    client = app.test_client()
    client.get("/api/search?q=Tür&lang=de", headers={"Sec-Fetch-Site": "cross-site"})
    assert _searches(app) == 0
    client.get("/api/search?q=Tür&lang=de", headers={"Sec-Fetch-Site": "same-origin"})
    assert _searches(app) == 1
