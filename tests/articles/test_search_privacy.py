"""Result links prove which browser searched; nobody's query goes into a cookie; anonymous writes
(the search log, booking deflections) are limited per client network."""

import re

import pytest
from sqlalchemy import func, select

from articles import indexing
from articles.models import ArticleView, SearchQuery
from booking.models import Deflection
from portal.extensions import db
from tests.articles.helpers import publish_article, searchable_e18_article

BROWSER = {"User-Agent": "Mozilla/5.0 Firefox/140.0"}


@pytest.fixture
def site(app):
    return searchable_e18_article(app)


def _result_link(page: str) -> str:
    return re.search(r'href="(/de/suche/treffer/[^"]+)"', page).group(1).replace("&amp;", "&")


def _entry(app) -> SearchQuery:
    with app.app_context():
        return db.session.scalar(select(SearchQuery).order_by(SearchQuery.id.desc()))


def _session(app, client) -> dict:
    """The session cookie as anyone holding it can read it: signed, not encrypted."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    if cookie is None:
        return {}
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def test_result_links_carry_a_token_not_just_the_sequential_id(site, client):
    page = client.get("/de/suche?q=Flusensieb").get_data(as_text=True)
    entry = _entry(site)
    link = _result_link(page)
    assert link.startswith(f"/de/suche/treffer/{entry.id}/1/waschmaschine-zeigt-e18?")
    assert re.search(r"[?&]k=[\w-]{22}(&|$)", link)
    assert "1 Artikel zu „Flusensieb“ gefunden." in page


def test_another_visitor_cannot_mark_someones_search_clicked(site, client):
    link = _result_link(client.get("/de/suche?q=Flusensieb").get_data(as_text=True))
    entry = _entry(site)
    stranger = site.test_client()
    stranger.get("/de/")  # a browser with its own session
    bare = f"/de/suche/treffer/{entry.id}/1/waschmaschine-zeigt-e18"
    forged = bare + "?k=AAAAAAAAAAAAAAAAAAAAAA"
    for attempt in (link, bare, forged):
        answer = stranger.get(attempt, headers=BROWSER)
        # The stranger still gets the article, and learns nothing about the search.
        assert answer.status_code == 302
        assert answer.headers["Location"].startswith("/de/artikel/waschmaschine-zeigt-e18")
        assert _entry(site).clicked_slug is None
    session = _session(site, stranger)
    assert "from_search" not in session and "flusensieb" not in str(session)

    client.get(link, headers=BROWSER)
    assert _entry(site).clicked_slug == "waschmaschine-zeigt-e18"


def test_a_sequential_id_of_a_later_search_is_refused_too(site, client):
    link = _result_link(client.get("/de/suche?q=Flusensieb").get_data(as_text=True))
    other = site.test_client()
    other.get("/de/suche?q=E18")
    later = _entry(site)
    guessed = re.sub(r"/treffer/\d+/", f"/treffer/{later.id}/", link)
    client.get(guessed, headers=BROWSER)
    assert _entry(site).clicked_slug is None


def test_the_session_cookie_keeps_no_query_text(site, client):
    link = _result_link(client.get("/de/suche?q=Flusensieb+verstopft").get_data(as_text=True))
    client.get(link, headers=BROWSER)
    session = _session(site, client)
    assert "flusensieb" not in str(session).lower()
    assert session["from_search"] == ["waschmaschine-zeigt-e18", _entry(site).id]
    # The view still knows which search led to it: looked up on the server.
    client.get("/de/artikel/waschmaschine-zeigt-e18", headers=BROWSER)
    with site.app_context():
        assert db.session.scalar(select(ArticleView.query)) == "flusensieb verstopft"


def test_another_visitor_cannot_read_the_query_through_a_later_page(site, client):
    client.get("/de/suche?q=Flusensieb")
    entry = _entry(site)
    stranger = site.test_client()
    page = stranger.get(f"/de/suche?q=E18&seite=1&log={entry.id}").get_data(as_text=True)
    assert f"/treffer/{entry.id}/" not in page
    assert "flusensieb" not in page.lower()


def test_searches_beyond_the_clients_limit_are_answered_but_not_logged(make_app):
    app = make_app(SEARCH_LOG_RATE_LIMIT="3 per minute")
    publish_article(app, title="Waschmaschine zeigt E18", body="Das Flusensieb ist verstopft.")
    with app.app_context():
        indexing.rebuild(app)
    client = app.test_client()
    for _ in range(5):
        page = client.get("/de/suche?q=Flusensieb").get_data(as_text=True)
        assert "1 Artikel zu „Flusensieb“ gefunden." in page
    # The unlogged search has no log entry to click on: its links go straight to the article.
    assert 'href="/de/artikel/waschmaschine-zeigt-e18"' in page
    other = app.test_client()
    other.get("/de/suche?q=Flusensieb", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SearchQuery)) == 4


def test_deflections_beyond_the_clients_limit_lead_to_the_article_uncounted(make_app):
    app = make_app(DEFLECTION_RATE_LIMIT="2 per hour")
    slug = publish_article(app)
    client = app.test_client()
    own = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": "document"}
    for _ in range(4):
        answer = client.get(f"/de/termin/hilfe/{slug}", headers=own)
        assert answer.status_code == 302 and answer.headers["Location"] == f"/de/artikel/{slug}"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Deflection)) == 2


def test_the_log_keeps_a_keyed_hash_of_the_network_never_the_address(site, client):
    client.get("/de/suche?q=Flusensieb", environ_base={"REMOTE_ADDR": "198.51.100.23"})
    entry = _entry(site)
    assert entry.searcher and "198.51.100" not in entry.searcher and len(entry.searcher) == 32
    assert entry.folded == "flusensieb" and entry.answered is True
