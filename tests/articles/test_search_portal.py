import re
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from articles import authoring, indexing
from articles.models import Article, SearchQuery
from portal.extensions import db
from search.documents import Document, Section
from tests.articles.helpers import build_index, publish_article


@pytest.fixture
def site(app):
    publish_article(
        app,
        title="Waschmaschine zeigt E18",
        body="## Ursache\n\nDas Flusensieb ist verstopft.",
        tags=["e18"],
    )
    publish_article(
        app,
        title="Heizungswartung im Herbst",
        category="Heizung",
        body="## Ablauf\n\nDer Techniker prüft den Brenner.",
        tags=["wartung"],
    )
    publish_article(
        app,
        title="Fridge not cooling",
        language="en",
        category="Fridges",
        body="Check the thermostat.",
        tags=["fridge"],
    )
    build_index(app)
    return app


def titles(client, query, lang="de"):
    return [r["title"] for r in client.get(f"/api/search?q={query}&lang={lang}").json["results"]]


def _article(app, slug):
    return db.session.scalar(select(Article).where(Article.slug == slug))


def test_publish_edit_unpublish_and_delete_reach_the_index_at_once(site, client):
    slug = publish_article(site, title="Trockner piept", body="Der Kondensbehälter ist voll.")
    assert titles(client, "Kondensbehälter") == ["Trockner piept"]
    with site.app_context():
        article = _article(site, slug)
        authoring.save(
            article,
            authoring.Content(
                title="Trockner piept dreimal",
                body="Das Flusensieb im Trockner ist voll.",
                language="de",
                category="Trockner",
            ),
            None,
        )
        authoring.publish(article)
        db.session.commit()
    assert titles(client, "Kondensbehälter") == []
    assert "Trockner piept dreimal" in titles(client, "Trockner")
    with site.app_context():
        authoring.unpublish(_article(site, slug))
        db.session.commit()
    assert titles(client, "Trockner") == []
    with site.app_context():
        article = _article(site, slug)
        authoring.publish(article)
        db.session.commit()
        assert titles(client, "Trockner") == ["Trockner piept dreimal"]
        db.session.delete(article)
        db.session.commit()
    assert titles(client, "Trockner") == []


def test_a_draft_save_of_a_published_article_does_not_change_search(site, client):
    with site.app_context():
        article = _article(site, "waschmaschine-zeigt-e18")
        authoring.save(
            article,
            authoring.Content(
                title="Geheimer Entwurf",
                body="Entwurfstext",
                language="de",
                category="Waschmaschinen",
            ),
            None,
        )
        db.session.commit()
    assert titles(client, "Entwurfstext") == []
    assert titles(client, "E18") == ["Waschmaschine zeigt E18"]


def test_reindex_command(site):
    result = site.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "3 published articles" in result.output


def _wait_for_index(client, query, expected, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (
            titles(client, query) == expected
            and client.get(f"/api/search?q={query}").json["results"][0]["snippet"]
        ):
            return True
        time.sleep(0.1)
    return False


def test_missing_index_answers_from_the_database_and_is_rebuilt(app, client):
    publish_article(app, title="Waschmaschine zeigt E18", body="Das Flusensieb ist verstopft.")
    first = client.get("/api/search?q=Flusensieb").json
    assert [r["title"] for r in first["results"]] == ["Waschmaschine zeigt E18"]
    assert _wait_for_index(client, "Flusensieb", ["Waschmaschine zeigt E18"])


def test_corrupt_index_answers_from_the_database_and_is_rebuilt(site, client):
    assert titles(client, "Flusensieb") == ["Waschmaschine zeigt E18"]
    for path in (Path(site.instance_path) / "search" / "de").iterdir():
        path.write_bytes(b"\x00broken")
    with site.app_context():
        indexing.search_index(site).close()
    page = client.get("/de/suche?q=Flusensieb")
    assert page.status_code == 200 and "Waschmaschine zeigt E18" in page.get_data(as_text=True)
    assert _wait_for_index(client, "Flusensieb", ["Waschmaschine zeigt E18"])


def test_results_page_shows_snippets_categories_and_section_links(site, client):
    page = client.get("/de/suche?q=E18+Flusensieb").get_data(as_text=True)
    assert "<mark>Flusensieb</mark>" in page
    assert 'class="result-category">Waschmaschinen</span>' in page
    assert "abschnitt=ursache" in page
    assert "1 Artikel zu „E18 Flusensieb“ gefunden." in page


def test_typo_shows_did_you_mean_and_corrected_results(site, client):
    page = client.get("/de/suche?q=Flussensieb").get_data(as_text=True)
    assert "Meinten Sie" in page and ">Flusensieb</a>?" in page
    assert "Waschmaschine zeigt E18" in page


def test_no_results_offers_popular_articles_and_contact(site, client):
    page = client.get("/de/suche?q=Zeitmaschine").get_data(as_text=True)
    assert "Zu „Zeitmaschine“ haben wir leider keinen passenden Artikel." in page
    assert "Beliebte Artikel" in page and "Heizungswartung im Herbst" in page
    assert "Vielleicht hilft Ihnen auch" not in page
    assert "0800 555 0142" in page and "Rückruf anfordern" in page
    assert "/de/rueckruf?thema=Zeitmaschine" in page


def test_other_language_results_are_marked(site, client):
    page = client.get("/de/suche?q=thermostat").get_data(as_text=True)
    assert "diese Artikel sind auf Englisch" in page and "Fridge not cooling" in page


def test_category_filter_in_the_api(site, client):
    found = client.get("/api/search?q=Techniker+Flusensieb&category=heizung").json
    assert [r["title"] for r in found["results"]] == ["Heizungswartung im Herbst"]


def test_category_filter_on_the_page(site, client):
    page = client.get("/de/suche?q=Techniker+Flusensieb&kategorie=heizung").get_data(as_text=True)
    assert "Heizungswartung im Herbst" in page and "Waschmaschine zeigt E18" not in page


def test_search_api_answers_the_documented_shape(site, client):
    body = client.get("/api/search?q=E18&lang=de").json
    assert set(body) >= {"query", "total", "results", "suggestion", "answered"}
    assert body["answered"] is True
    assert body["query"] == "E18" and body["total"] == 1 and body["suggestion"] is None
    (result,) = body["results"]
    assert set(result) == {
        "slug",
        "title",
        "url",
        "snippet",
        "score",
        "language",
        "weak",
        "promoted",
    }
    assert result["weak"] is False and result["promoted"] is False
    assert result["url"].endswith("/de/artikel/waschmaschine-zeigt-e18")
    assert result["language"] == "de" and isinstance(result["score"], float)


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("", "q is required"),
        ("q=" + "x" * 201, "at most 200"),
        ("q=E18&lang=fr", "lang must be"),
        ("q=E18&page=0", "page must be"),
        ("q=E18&page=abc", "page must be"),
        ("q=E18&category=gibts-nicht", "unknown top-level category"),
        ("q=E18&category=waschmaschinen/probleme-loesen", "unknown top-level category"),
    ],
)
def test_search_api_refuses_bad_parameters_with_a_reason(site, client, query, reason):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400 and reason in response.json["reason"]


def test_suggest_api_lists_titles_headings_and_approved_searches(site, client):
    from articles import suggestions
    from articles.models import SuggestionState

    for _ in range(2):
        client.get("/de/suche?q=heizungswartung+herbst")
    body = client.get("/api/suggest?q=heizungsw&lang=de").json
    assert {
        "type": "article",
        "label": "Heizungswartung im Herbst",
        "url": "/de/artikel/heizungswartung-im-herbst",
    } in body
    assert not any(item["type"] == "query" for item in body)
    with site.app_context():
        suggestions.decide("Heizungswartung Herbst", "de", SuggestionState.APPROVED, None)
    body = client.get("/api/suggest?q=heizungsw&lang=de").json
    assert any(
        item["type"] == "query" and item["label"] == "heizungswartung herbst" for item in body
    )
    assert {
        "type": "heading",
        "label": "Ablauf – Heizungswartung im Herbst",
        "url": "/de/artikel/heizungswartung-im-herbst#ablauf",
    } in client.get("/api/suggest?q=abla&lang=de").json
    assert client.get("/api/suggest?q=x&lang=xx").status_code == 400


def test_searches_are_logged_without_personal_data_and_clicks_recorded(site, client):
    page = client.get("/de/suche?q=  FLUSENSIEB  ").get_data(as_text=True)
    with site.app_context():
        entry = db.session.scalar(select(SearchQuery))
        assert (entry.query, entry.language, entry.result_count) == ("flusensieb", "de", 1)
        columns = set(SearchQuery.__table__.columns.keys())
        assert not {"ip", "address", "user_agent", "session"} & columns
        log_id = entry.id
    link = re.search(r'href="(/de/suche/treffer/[^"]+)"', page).group(1).replace("&amp;", "&")
    assert link.startswith(
        f"/de/suche/treffer/{log_id}/1/waschmaschine-zeigt-e18?abschnitt=ursache"
    )
    response = client.get(link)
    assert response.headers["Location"] == "/de/artikel/waschmaschine-zeigt-e18#ursache"
    with site.app_context():
        entry = db.session.get(SearchQuery, log_id)
        assert (entry.clicked_slug, entry.clicked_rank) == ("waschmaschine-zeigt-e18", 1)


def test_staff_sees_content_gaps_and_can_export_them(site, client, editor_client):
    client.get("/de/suche?q=Zeitmaschine")
    client.get("/de/suche?q==HYPERLINK(1)")
    client.get("/de/suche?q=Flusensieb")
    page = editor_client.get("/staff/search/").get_data(as_text=True)
    gaps = page.split("Inhaltslücken")[1].split("</table>")[0]
    assert "zeitmaschine" in gaps and "flusensieb" not in gaps
    assert "/staff/articles/new?title=zeitmaschine&amp;language=de" in gaps
    nobody = page.split("niemand geöffnet")[1].split("</table>")[0]
    assert "flusensieb" in nobody
    csv_text = editor_client.get("/staff/search/export.csv?tage=7").get_data(as_text=True)
    assert csv_text.splitlines()[0] == "query,language,searches,results,clicks,click_rate"
    assert "zeitmaschine,de,1,0,0,0.000" in csv_text
    assert "'=hyperlink(1)" in csv_text


def test_synonyms_edited_by_staff_apply_without_reindex(site, client, editor_client):
    assert titles(client, "Klappergeräusch") == []
    page = editor_client.get("/staff/search/synonyms").get_data(as_text=True)
    assert "Spülmaschine = Geschirrspüler" in page
    response = editor_client.post(
        "/staff/search/synonyms",
        data={"de": "Klappergeräusch = Flusensieb", "en": "fridge = refrigerator"},
    )
    assert response.status_code == 302
    assert titles(client, "Klappergeräusch") == ["Waschmaschine zeigt E18"]


def test_synonyms_saved_on_another_node_apply_within_its_sync_interval(
    site, editor_client, make_app, clock
):
    other_node = make_app(SEARCH_SYNC_SECONDS=1.5).test_client()
    assert titles(other_node, "Klappergeräusch") == []
    editor_client.post(
        "/staff/search/synonyms", data={"de": "Klappergeräusch = Flusensieb", "en": ""}
    )
    assert titles(other_node, "Klappergeräusch") == []  # read again 1.5 s after the last time
    clock.advance(1.6)
    assert titles(other_node, "Klappergeräusch") == ["Waschmaschine zeigt E18"]


def test_bad_synonym_lines_are_refused_and_the_text_kept(site, editor_client):
    page = editor_client.post(
        "/staff/search/synonyms", data={"de": "Therme = Gastherme\nnur ein Wort", "en": ""}
    ).get_data(as_text=True)
    assert "Zeile 2 ist keine Synonymgruppe: nur ein Wort" in page
    assert "Therme = Gastherme\nnur ein Wort" in page


def test_later_result_pages_open_and_keep_the_search_log(site, client):
    for number in range(12):
        publish_article(site, title=f"Pumpe {number}", body="Die Pumpe brummt.", tags=["pumpe"])
    build_index(site)
    first = client.get("/de/suche?q=pumpe").get_data(as_text=True)
    later = (
        re.search(r'href="(/de/suche\?[^"]*seite=2[^"]*)"', first).group(1).replace("&amp;", "&")
    )
    answer = client.get(later)
    assert answer.status_code == 200
    log = re.search(r"log=(\d+)", later).group(1)
    assert f"/de/suche/treffer/{log}/" in answer.get_data(as_text=True)


def test_repeated_searches_are_answered_from_kept_results_and_each_logged(
    site, client, monkeypatch
):
    from search import searching as library

    calls = []
    real = library.search

    def counted(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(library, "search", counted)
    assert titles(client, "Flusensieb") == ["Waschmaschine zeigt E18"]
    assert titles(client, "Flusensieb") == ["Waschmaschine zeigt E18"]
    assert calls == ["Flusensieb"]
    with site.app_context():
        logged = db.session.scalars(select(SearchQuery.query)).all()
    assert logged.count("flusensieb") == 2

    publish_article(site, title="Flusensieb reinigen", body="Das Flusensieb unten rechts.")
    assert "Flusensieb reinigen" in titles(client, "Flusensieb")
    assert calls == ["Flusensieb", "Flusensieb"]


def test_suggestions_follow_a_publish_at_once(site, client):
    def labels():
        return [s["label"] for s in client.get("/api/suggest?q=wärmepu&lang=de").json]

    assert labels() == []
    publish_article(site, title="Wärmepumpe taut ab", body="Abtauen ist normal.")
    assert labels() == ["Wärmepumpe taut ab"]


def test_kept_results_follow_the_nodes_index_not_the_database(site, client):
    """On a node whose index follows the change log, an article reaches the index a moment
    after the database: results kept in between must not outlive that moment."""
    assert titles(client, "Kondensat") == []
    document = Document(
        slug="kondensat",
        language="de",
        title="Kondensat läuft aus",
        category="trockner",
        category_name="Trockner",
        summary="",
        tags=(),
        sections=(Section(None, "", "Der Kondensatschlauch ist lose."),),
    )
    with site.app_context():
        indexing.search_index(site).update([document])
    assert titles(client, "Kondensat") == ["Kondensat läuft aus"]


def test_one_rendering_serves_everyone_searching_alike_each_with_their_own_log(site, client):
    from flask import template_rendered

    rendered = []

    def record(sender, template, **extra):
        rendered.append(template.name)

    template_rendered.connect(record)
    pages = [c.get("/de/suche?q=Flusensieb").get_data(as_text=True) for c in (client, client)]
    pages.append(site.test_client().get("/de/suche?q=Flusensieb").get_data(as_text=True))
    template_rendered.disconnect(record)
    assert rendered.count("articles/search.html") == 1

    with site.app_context():
        log_ids = db.session.scalars(select(SearchQuery.id).order_by(SearchQuery.id)).all()
    assert len(log_ids) == 3
    for page, log_id in zip(pages, log_ids, strict=True):
        links = set(re.findall(r"/de/suche/treffer/(\d+)/", page))
        assert links == {str(log_id)}
    # The click lands on the log entry of the search it came from.
    link = re.search(r'href="(/de/suche/treffer/[^"]+)"', pages[1]).group(1).replace("&amp;", "&")
    assert client.get(link).status_code == 302
    with site.app_context():
        clicked = db.session.scalars(select(SearchQuery.clicked_slug).order_by(SearchQuery.id))
        assert list(clicked) == [None, "waschmaschine-zeigt-e18", None]


def test_a_query_without_an_answer_says_so_and_shows_at_most_three_weak_matches(site, client):
    page = client.get("/de/suche?q=Brenner+Zeitmaschine").get_data(as_text=True)
    assert "Zu „Brenner Zeitmaschine“ haben wir leider keinen passenden Artikel." in page
    assert "Artikel zu „Brenner Zeitmaschine“ gefunden" not in page
    weak = page.split("Vielleicht hilft Ihnen auch")[1]
    assert "Heizungswartung im Herbst" in weak and weak.count("<li") <= 3
    assert "Beliebte Artikel" not in page
    found = client.get("/api/search?q=Brenner+Zeitmaschine").json
    assert found["answered"] is False and found["total"] == len(found["results"]) <= 3
    assert all(result["weak"] for result in found["results"])


def test_a_correct_word_is_never_respelled(site, client):
    publish_article(site, title="Waschmaschine riecht muffig", body="Der Geruch kommt vom Sieb.")
    publish_article(site, title="Wasserstand", body="Der Wasserstand sinkt.", category="Heizung")
    build_index(site)
    page = client.get("/de/suche?q=Waschmaschine+stinkt").get_data(as_text=True)
    assert "Waschmaschine riecht muffig" in page  # "stinkt" is known: a synonym of "riecht"
    assert "Meinten Sie" not in page and "sinkt" not in page
    typo = client.get("/de/suche?q=Waschmaschiene+riecht").get_data(as_text=True)
    assert "Meinten Sie" in typo and "Waschmaschine riecht" in typo
