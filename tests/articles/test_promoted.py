"""Promoted answers: editors pin an article first for a search and its spelling variants."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from articles import authoring, promoted
from articles.models import Article
from portal.extensions import db
from portal.models import AuditEntry
from tests.articles.helpers import build_index, publish_article
from tests.helpers.staff import login

BADGE = "Empfohlene Antwort"


@pytest.fixture
def site(app):
    publish_article(
        app,
        title="Spülmaschine entkalken: so geht es",
        slug="spuelmaschine-entkalken",
        category="Geschirrspüler/Pflege",
        summary="Entkalken Sie die Spülmaschine mit Regeneriersalz.",
        body="## Entkalken\n\nEntkalken Sie die Spülmaschine regelmäßig. Spülmaschine entkalken "
        "hilft gegen Flecken.",
        tags=["spülmaschine", "entkalken"],
    )
    publish_article(
        app,
        title="Weiße Flecken auf dem Geschirr",
        slug="weisse-flecken",
        category="Geschirrspüler/Pflege",
        summary="Wenn Gläser nach dem Spülen milchig sind.",
        body="## Ursache\n\nZu wenig Salz. Die Spülmaschine braucht dann Entkalken.",
        tags=["geschirr"],
    )
    publish_article(
        app,
        title="Spülmaschine pumpt nicht ab",
        slug="pumpt-nicht-ab",
        category="Geschirrspüler/Probleme lösen",
        body="## Sieb\n\nReinigen Sie das Sieb der Spülmaschine.",
        tags=["spülmaschine", "pumpe"],
    )
    build_index(app)
    return app


def first_results(client, query):
    page = client.get("/de/suche", query_string={"q": query}).text
    return re.findall(r'<li lang="de">\s*<a class="result-title"[^>]*>([^<]+)</a>([^\n]*)', page)


def pin(editor_client, query="Spülmaschine entkalken", slug="weisse-flecken"):
    return editor_client.post("/staff/search/promoted", data={"query": query, "slug": slug})


def test_without_a_pin_the_search_ranks_as_usual(site, client):
    found = first_results(client, "Spülmaschine entkalken")
    assert found[0][0] == "Spülmaschine entkalken: so geht es"
    assert BADGE not in client.get("/de/suche?q=Spülmaschine entkalken").text


@pytest.mark.parametrize(
    "query",
    [
        "Spülmaschine entkalken",
        "SPÜLMASCHINE   ENTKALKEN",
        "spuelmaschine entkalken",
        "Spulmaschine entkalken",
        "Entkalken Spülmaschine",
        "Spülmaschine entklaken",
        "Spülmashine entkalken",
        "Wie kann ich die Spülmaschine entkalken?",
    ],
)
def test_the_pinned_article_comes_first_marked_for_the_query_and_its_variants(
    site, client, editor_client, query
):
    pin(editor_client)
    found = first_results(client, query)
    assert found[0][0] == "Weiße Flecken auf dem Geschirr"
    assert BADGE in found[0][1]
    assert [title for title, _ in found].count("Weiße Flecken auf dem Geschirr") == 1
    assert all(BADGE not in rest for _, rest in found[1:])


@pytest.mark.parametrize(
    "query", ["Spülmaschine pumpt nicht ab", "Waschmaschine entkalken", "Spülmaschine"]
)
def test_an_unrelated_search_shows_no_recommended_answer(site, client, editor_client, query):
    pin(editor_client)
    assert BADGE not in client.get("/de/suche", query_string={"q": query}).text
    results = client.get("/api/search", query_string={"q": query}).json["results"]
    assert not any(result["promoted"] for result in results)


def test_the_api_marks_the_pinned_result_promoted(site, client, editor_client):
    pin(editor_client)
    results = client.get("/api/search?q=spülmaschine entkalken&lang=de").json["results"]
    assert results[0]["slug"] == "weisse-flecken" and results[0]["promoted"] is True
    assert [r["promoted"] for r in results[1:]] == [False] * (len(results) - 1)


def test_a_pinned_article_the_search_does_not_find_is_added_first(site, client, editor_client):
    pin(editor_client, query="Geschirr milchig", slug="pumpt-nicht-ab")
    api = client.get("/api/search?q=geschirr milchig&lang=de").json
    assert api["results"][0]["slug"] == "pumpt-nicht-ab"
    assert api["results"][0]["promoted"] is True
    assert api["total"] == 2


def test_a_pin_is_for_its_language_only(site, client, editor_client):
    pin(editor_client)
    results = client.get("/api/search?q=Spülmaschine entkalken&lang=en").json["results"]
    assert not any(result["promoted"] for result in results)


def test_an_unpublished_pinned_article_is_no_longer_recommended(site, client, editor_client):
    pin(editor_client)
    with site.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == "weisse-flecken"))
        authoring.archive(article)
        db.session.commit()
    assert BADGE not in client.get("/de/suche?q=Spülmaschine entkalken").text


def test_editors_pin_and_remove_answers_on_the_analytics_page(site, client, editor_client):
    page = editor_client.get("/staff/search/").text
    assert "Empfohlene Antworten" in page
    assert "Antwort festlegen" in page
    assert "Noch keine empfohlenen Antworten." in page
    response = pin(editor_client)
    assert response.status_code == 302
    page = editor_client.get(response.headers["Location"]).text
    assert (
        "„Weiße Flecken auf dem Geschirr“ ist jetzt die empfohlene Antwort für "
        "„Spülmaschine entkalken“." in page
    )
    row = page.split("Empfohlene Antworten nach Suchanfrage")[1].split("</tbody>")[0]
    assert "Spülmaschine entkalken" in row and "Weiße Flecken auf dem Geschirr" in row
    remove = re.search(r'action="(/staff/search/promoted/\d+/remove)"', row).group(1)
    page = editor_client.post(remove, follow_redirects=True).text
    assert "Die empfohlene Antwort wurde entfernt." in page
    assert "Noch keine empfohlenen Antworten." in page
    assert BADGE not in client.get("/de/suche?q=Spülmaschine entkalken").text


def test_pinning_the_same_search_again_replaces_the_answer(site, client, editor_client):
    pin(editor_client)
    pin(editor_client, query="spuelmaschine ENTKALKEN", slug="pumpt-nicht-ab")
    assert first_results(client, "Spülmaschine entkalken")[0][0] == "Spülmaschine pumpt nicht ab"
    with site.app_context():
        assert [p.article.slug for p in promoted.pins()] == ["pumpt-nicht-ab"]


def test_a_search_of_filler_words_is_refused_and_kept_in_the_form(site, editor_client):
    response = pin(editor_client, query="wie kann ich")
    assert parse_qs(urlsplit(response.headers["Location"]).query)["antwort"] == ["wie kann ich"]
    page = editor_client.get(response.headers["Location"]).text
    assert "Bitte geben Sie mindestens ein Suchwort ein, nicht nur Wörter wie „wie“." in page
    assert 'value="wie kann ich"' in page
    assert '<option selected value="weisse-flecken">' in page
    with site.app_context():
        assert promoted.pins() == []


def test_a_missing_or_unpublished_article_is_refused(site, editor_client):
    page = pin(editor_client, slug="gibt-es-nicht")
    text = editor_client.get(page.headers["Location"]).text
    assert "Bitte wählen Sie einen veröffentlichten Artikel." in text
    page = editor_client.post("/staff/search/promoted", data={"query": "", "slug": ""})
    text = editor_client.get(page.headers["Location"]).text
    assert "Bitte geben Sie die Suchanfrage ein, die dieser Artikel beantwortet." in text


def test_pinning_and_removing_are_recorded_in_the_audit_log(site, staff, editor_client):
    pin(editor_client)
    with site.app_context():
        pin_id = promoted.pins()[0].id
    editor_client.post(f"/staff/search/promoted/{pin_id}/remove")
    with site.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.action, e.target, e.detail) for e in entries[-2:]] == [
            ("promoted.pinned", "Spülmaschine entkalken (de)", "weisse-flecken"),
            ("promoted.removed", "Spülmaschine entkalken (de)", "weisse-flecken"),
        ]
    admin = site.test_client()
    login(admin, staff["admin"])
    audit_page = admin.get("/staff/audit/").text
    assert "Empfohlene Antwort für eine Suche festgelegt" in audit_page
    assert "Empfohlene Antwort entfernt" in audit_page


@pytest.mark.parametrize("role", ["dispatcher", None])
def test_only_editors_and_administrators_pin_answers(site, client, staff, role):
    if role:
        login(client, staff[role])
    response = pin(client)
    assert response.status_code == (403 if role else 302)
    if role is None:
        assert response.headers["Location"].startswith("/staff/login")
    with site.app_context():
        assert promoted.pins() == []
    assert BADGE not in client.get("/de/suche?q=Spülmaschine entkalken").text


def test_administrators_pin_answers(site, client, staff):
    login(client, staff["admin"])
    assert pin(client).status_code == 302
    assert BADGE in client.get("/de/suche?q=Spülmaschine entkalken").text


def test_a_search_that_folding_lengthens_is_still_pinned(site, client, editor_client):
    query = "ß" * 200  # folds to 400 characters
    response = pin(editor_client, query=query)
    assert "antwort" not in response.headers["Location"]
    found = client.get("/api/search", query_string={"q": query, "lang": "de"}).json["results"]
    assert found[0]["slug"] == "weisse-flecken" and found[0]["promoted"] is True
