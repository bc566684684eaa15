"""Suggestions nobody can plant: titles, headings, staff-approved queries, and queries many
different visitors asked on different days that led to an article; nothing personal."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from articles import indexing
from articles.models import SearchQuery
from articles.suggestions import looks_personal, query_key
from portal.extensions import db
from portal.models import AuditEntry
from tests.articles.helpers import publish_article
from tests.helpers.staff import login

BROWSER = {"User-Agent": "Mozilla/5.0 Firefox/140.0"}
PLANTED = "Abzocke Betrug Nordlicht"


@pytest.mark.parametrize(
    ("text", "personal"),
    [
        # Error codes, model numbers and ordinary questions are fine.
        ("E18", False),
        ("e 18", False),
        ("E-18", False),
        ("F28", False),
        ("4C", False),
        ("E101", False),
        ("WM-14N", False),
        ("GT-24 Fehler F05", False),
        ("waschmaschine e18 pumpt nicht ab", False),
        ("Heizung verliert Druck", False),
        ("Spülmaschine piept 3 mal", False),
        ("heizkörper 2 etage kalt", False),
        ("Therme Baujahr 2015", False),
        ("Kühlschrank 7 Grad", False),
        ("wärmepumpe 55 grad vorlauf", False),
        ("Abzocke Betrug Nordlicht", False),
        ("Waschmaschine Pumpe Flusensieb", False),
        ("Trockner Kondensbehälter voll", False),
        ("dichtungsring 3 stück", False),
        ("what does error E18 mean", False),
        ("Termin verschieben", False),
        ("Fehler 4C und E18", False),
        ("Heizung im Weg", False),
        # Phone numbers and long numbers.
        ("0171 2345678", True),
        ("rückruf 040 / 123 456", True),
        ("+49 40 1234567", True),
        ("Kundennummer 12345", True),
        ("rechnung 2026-004711", True),
        ("plz 22765 techniker", True),
        ("geboren 12.03.1980", True),
        ("ruf mich an 0 1 7 1 2 3", True),
        ("DE89 3704 0044 0532 0130 00", True),
        # E-mail addresses.
        ("max.mustermann@example.de", True),
        ("termin an anna@web.de", True),
        # Street addresses.
        ("Hauptstraße 5", True),
        ("Bahnhofstr. 12a Heizung", True),
        ("Am Mühlenweg 3", True),
        ("Marktplatz 7 Therme", True),
        ("lindenallee 22", True),
        ("hauptstrasse 5", True),
        # Names.
        ("Herr Müller Therme", True),
        ("frau schmidt rückruf", True),
        ("Familie Yilmaz Termin", True),
        ("Dr. Weber Heizung", True),
        ("anruf von Anna Schmidt", True),
    ],
)
def test_what_looks_personal(text, personal):
    assert looks_personal(text) is personal


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("E18", "e 18"),
        ("E-18", "e18"),
        ("Spülmaschine", "spuel maschine"),
        ("Straße", "strasse"),
        ("Heizung  Druck", "heizung-druck"),
        ("Wärmepumpe", "Waermepumpe"),
    ],
)
def test_spellings_of_one_query_share_a_key(first, second):
    assert query_key(first, "de") == query_key(second, "de")


@pytest.fixture
def site(app):
    publish_article(
        app,
        title="Vorsicht vor falschen Technikern",
        body="## Betrug erkennen\n\nAbzocke am Telefon: Nordlicht ruft nie unaufgefordert an.",
        tags=["betrug"],
    )
    with app.app_context():
        indexing.rebuild(app)
    return app


def _search_and_click(app, text, address):
    client = app.test_client()
    page = client.get(
        f"/de/suche?q={text}", environ_base={"REMOTE_ADDR": address}, headers=BROWSER
    ).get_data(as_text=True)
    link = re.search(r'href="(/de/suche/treffer/[^"]+)"', page)
    if link:
        client.get(link.group(1).replace("&amp;", "&"), headers=BROWSER)


def _spread_over_two_days(app):
    with app.app_context():
        ids = db.session.scalars(select(SearchQuery.id).order_by(SearchQuery.id)).all()
        for log_id in ids[::2]:
            entry = db.session.get(SearchQuery, log_id)
            entry.created_at = entry.created_at - timedelta(days=1)
        db.session.commit()


def _offered(make_app, text="abzocke"):
    """The queries suggested to a new visitor on another node (so nothing kept is reused)."""
    client = make_app().test_client()
    answer = client.get(f"/api/suggest?q={text}&lang=de")
    return [item["label"] for item in answer.json if item["type"] == "query"]


def test_one_client_searching_again_and_again_plants_nothing(site, make_app):
    for _ in range(40):
        _search_and_click(site, PLANTED, "203.0.113.9")
    with site.app_context():
        assert db.session.scalar(select(SearchQuery.clicked_slug)) is not None
    assert _offered(make_app) == []


def test_many_visitors_on_several_days_with_clicks_earn_a_suggestion_until_blocked(
    site, make_app, staff
):
    for number in range(6):
        _search_and_click(site, PLANTED, f"198.51.100.{number + 1}")
    assert _offered(make_app) == []  # all on one day
    _spread_over_two_days(site)
    assert _offered(make_app) == ["abzocke betrug nordlicht"]

    editor = make_app().test_client()
    login(editor, staff["editor"])
    page = editor.get("/staff/search/").get_data(as_text=True)
    assert "Vorgeschlagen, weil viele Besucher danach gesucht haben" in page
    assert "abzocke betrug nordlicht" in page.split("viele Besucher")[1]
    answer = editor.post(
        "/staff/search/suggestions",
        data={"query": "Abzocke  BETRUG Nordlicht", "language": "de", "decision": "blocked"},
        follow_redirects=True,
    )
    assert "„Abzocke  BETRUG Nordlicht“ wird nie vorgeschlagen." in answer.get_data(as_text=True)
    assert _offered(make_app) == []
    blocked = answer.get_data(as_text=True).split("Gesperrte Vorschläge")[1].split("</table>")[0]
    assert "abzocke betrug nordlicht" in blocked


def test_without_a_click_no_query_is_suggested(site, make_app):
    for number in range(6):
        site.test_client().get(
            f"/de/suche?q={PLANTED}", environ_base={"REMOTE_ADDR": f"198.51.100.{number + 1}"}
        )
    _spread_over_two_days(site)
    assert _offered(make_app) == []


def test_a_phrase_with_a_phone_number_never_appears(site, make_app, staff):
    for number in range(8):
        _search_and_click(site, "Betrug Nordlicht 0171 2345678", f"198.51.100.{number + 1}")
    _spread_over_two_days(site)
    assert _offered(make_app, "betrug") == []
    editor = make_app().test_client()
    login(editor, staff["editor"])
    page = editor.post(
        "/staff/search/suggestions",
        data={"query": "Betrug Nordlicht 0171 2345678", "language": "de", "decision": "approved"},
    ).get_data(as_text=True)
    assert "Das sieht nach persönlichen Daten aus und kann nicht vorgeschlagen werden." in page
    assert 'value="Betrug Nordlicht 0171 2345678"' in page  # what was typed stays
    assert _offered(make_app, "betrug") == []


def test_staff_approve_and_remove_suggestions(site, make_app, staff):
    editor = make_app().test_client()
    login(editor, staff["editor"])
    answer = editor.post(
        "/staff/search/suggestions",
        data={"query": "Falsche Techniker", "language": "de", "decision": "approved"},
        follow_redirects=True,
    )
    page = answer.get_data(as_text=True)
    assert "„Falsche Techniker“ wird jetzt vorgeschlagen." in page
    assert _offered(make_app, "falsch") == ["falsche techniker"]
    remove = re.search(r'action="(/staff/search/suggestions/\d+/remove)"', page).group(1)
    assert "Entscheidung entfernt." in editor.post(remove, follow_redirects=True).text
    assert _offered(make_app, "falsch") == []
    with site.app_context():
        logged = db.session.execute(
            select(AuditEntry.action, AuditEntry.target).order_by(AuditEntry.id)
        ).all()
    assert [tuple(row) for row in logged] == [
        ("suggestion.approved", "falsche techniker (de)"),
        ("suggestion.removed", "falsche techniker (de)"),
    ]


def test_blocking_a_personal_query_keeps_it_out_of_the_audit_log(site, make_app, staff):
    editor = make_app().test_client()
    login(editor, staff["editor"])
    editor.post(
        "/staff/search/suggestions",
        data={"query": "Herr Müller 0171 2345678", "language": "de", "decision": "blocked"},
    )
    with site.app_context():
        assert db.session.scalar(select(AuditEntry.target)) == "de"


def test_dispatchers_cannot_decide_on_suggestions(site, client, staff):
    login(client, staff["dispatcher"])
    answer = client.post(
        "/staff/search/suggestions",
        data={"query": "Falsche Techniker", "language": "de", "decision": "approved"},
    )
    assert answer.status_code == 403


def test_headings_of_published_articles_are_suggested(site, client):
    body = client.get("/api/suggest?q=betrug+erk&lang=de").json
    assert {
        "type": "heading",
        "label": "Betrug erkennen – Vorsicht vor falschen Technikern",
        "url": "/de/artikel/vorsicht-vor-falschen-technikern#betrug-erkennen",
    } in body
