"""Emergencies where customers read and search: the emergency page, the safety box above search
results, the triage API, the link on every page, and a feedback comment that says danger."""

import pytest

from articles import indexing
from tests.articles.helpers import publish_article
from tests.helpers.config import GENEROUS_LIMITS
from tests.helpers.pages import main_of

ALL_YEAR = frozenset(range(1, 13))


@pytest.fixture
def site(make_app):
    app = make_app(**GENEROUS_LIMITS, HEATING_MONTHS=ALL_YEAR)
    publish_article(
        app,
        title="Gasgeruch: Was Sie jetzt tun müssen",
        slug="gasgeruch",
        body="## Sofort\n\nKein Licht schalten, Haus verlassen, draußen den Gas-Notruf wählen.",
        category="Sicherheit/Notfälle",
        tags=["gasgeruch", "notfall"],
    )
    publish_article(app, title="Smell of gas: what to do now", slug="smell-of-gas", language="en")
    publish_article(app)  # "Tür klemmt"
    with app.app_context():
        indexing.rebuild(app)
    return app


def test_the_emergency_page_gives_every_number_and_what_to_do(site):
    page = site.test_client().get("/de/notfall").text
    for number in ("0800 555 0100", "112", "0800 555 0199", "0800 555 0142"):
        assert f">{number}</a>" in page
    assert "Gas-Notruf der Stadtwerke Musterstadt (Demo)" in page
    for title in ("Riechen Sie Gas?", "Kohlenmonoxid?", "Wasser läuft aus?", "Rauch, Feuer"):
        assert title in page
    assert 'href="/de/artikel/gasgeruch"' in page


def test_a_closed_line_is_shown_as_closed(make_app):
    app = make_app(EMERGENCY_HOURS="")
    page = app.test_client().get("/en/notfall").text
    assert "Not staffed right now." in page


@pytest.mark.parametrize("path", ["/de/", "/en/suche?q=door", "/de/termin", "/de/gibt-es-nicht"])
def test_every_page_links_to_the_emergency_page(site, path):
    page = site.test_client().get(path).text
    lang = path.split("/")[1]
    label = "Notfall? Gasgeruch, Wasser, Rauch" if lang == "de" else "Emergency? Gas smell"
    assert f'href="/{lang}/notfall">{label}' in page


def test_searching_for_a_gas_smell_leads_with_what_to_do_and_the_gas_article(site):
    page = site.test_client().get("/de/suche?q=es riecht nach Gas im Keller").text
    box, results = page.index('class="safety safety-emergency"'), page.index("result-list")
    assert box < results
    assert page.index("Gasgeruch: Was Sie jetzt tun müssen") > results  # the first result
    assert "Tür klemmt" not in page
    assert ">0800 555 0100</a>" in page
    assert 'href="/de/termin"' not in page.split('<main id="main"')[1].split("</main>")[0]


def test_a_search_that_says_no_danger_has_no_safety_box(site):
    page = site.test_client().get("/de/suche?q=Tür klemmt").text
    assert "safety-emergency" not in page and "Tür klemmt" in page


def test_the_search_api_says_what_to_do(site):
    client = site.test_client()
    answer = client.get("/api/search?q=Gasgeruch&lang=de").json
    assert answer["safety"]["level"] == "emergency" and answer["safety"]["reason"] == "gas"
    assert answer["safety"]["phone"] == "0800 555 0100"
    assert answer["results"][0]["slug"] == "gasgeruch"
    assert client.get("/api/search?q=Tür&lang=de").json["safety"] is None


@pytest.mark.parametrize(
    ("text", "lang", "level", "reason"),
    [
        ("Es riecht im Keller stark nach Gas", "de", "emergency", "gas"),
        ("water pouring out of the boiler and it won't stop", "en", "emergency", "water"),
        (
            "Heizung geht seit heute Morgen nicht, 16 Grad in der Wohnung",
            "de",
            "urgent",
            "no_heating",
        ),
        ("Die Tür der Waschmaschine klemmt", "de", "normal", None),
    ],
)
def test_the_triage_api(site, text, lang, level, reason):
    answer = site.test_client().get("/api/triage", query_string={"text": text, "lang": lang})
    assert answer.status_code == 200
    assert (answer.json["level"], answer.json["reason"]) == (level, reason)
    assert bool(answer.json["advice"]) == (level != "normal")
    if level == "emergency":
        assert answer.json["phone"]  # the gas and fire numbers answer day and night
    elif level == "urgent":
        # Our lines have hours: outside them the advice says when they open instead.
        assert answer.json["phone"] in (None, "0800 555 0142", "0800 555 0199")
    else:
        assert answer.json["phone"] is None


def test_the_triage_api_speaks_the_language_asked_for(site):
    text = {"text": "Gasgeruch", "lang": "en"}
    answer = site.test_client().get("/api/triage", query_string=text).json
    assert answer["advice"].startswith("Leave the building now.")


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("", "text is required"),
        ("text=%20%20", "text is required"),
        ("text=" + "a" * 2001, "at most 2000 characters"),
        ("text=Gas&lang=fr", "lang must be one of"),
    ],
)
def test_the_triage_api_refuses_bad_requests_with_a_reason(site, query, reason):
    answer = site.test_client().get(f"/api/triage?{query}")
    assert answer.status_code == 400 and answer.json["error"] == "bad_request"
    assert reason in answer.json["reason"]


def test_the_triage_api_is_rate_limited(make_app):
    client = make_app(TRIAGE_RATE_LIMIT="2 per minute").test_client()
    codes = [client.get("/api/triage?text=Gas").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_a_feedback_comment_that_says_danger_is_answered_with_what_to_do(site):
    client = site.test_client()
    comment = {"vote": "no", "comment": "Hilft nicht, es riecht immer noch nach Gas"}
    answer = client.post("/de/artikel/tuer-klemmt/bewertung", data=comment, follow_redirects=True)
    assert "Danke für Ihre Rückmeldung!" in answer.text
    assert "Riechen Sie Gas? Verlassen Sie jetzt das Gebäude." in answer.text
    calm = {"vote": "no", "comment": "Zu kurz erklärt"}
    answer = client.post("/de/artikel/tuer-klemmt/bewertung", data=calm, follow_redirects=True)
    assert "Verlassen Sie jetzt das Gebäude" not in answer.text


def test_the_triage_api_asks_about_a_denied_danger(site):
    client = site.test_client()
    answer = client.get("/api/triage", query_string={"text": "Kein Gasgeruch, Therme F28"}).json
    assert (answer["level"], answer["reason"], answer["possible"]) == ("normal", None, "gas")
    assert answer["title"] == "Riecht es doch nach Gas? Dann handeln Sie sofort:"
    assert answer["phone"] == "0800 555 0100"
    calm = client.get("/api/triage", query_string={"text": "Die Tür klemmt"}).json
    assert (calm["possible"], calm["title"], calm["advice"]) == (None, None, "")


def test_a_search_that_denies_a_danger_asks_about_it_without_pinning_the_article(site):
    page = site.test_client().get("/de/suche?q=kein Gasgeruch, Tür klemmt").text
    assert 'class="safety safety-possible"' in page and 'role="alert"' not in page
    assert "Riecht es doch nach Gas?" in page


def test_a_negation_of_something_else_leaves_the_danger_standing(site):
    page = site.test_client().get("/de/suche?q=Keine Ahnung warum es nach Gas riecht").text
    assert 'class="safety safety-emergency"' in page


def test_a_cold_flat_gets_the_heating_breakdown_first_and_one_number(site):
    publish_article(
        site,
        title="Heizung fällt aus: Was Sie jetzt prüfen",
        slug="heizung-faellt-aus",
        body="Strom, Fehlercode, Wasserdruck und Gashahn prüfen, dann uns anrufen.",
        category="Sicherheit/Notfälle",
        tags=["heizungsausfall"],
    )
    publish_article(site, title="Wasserschaden", slug="wasserschaden", body="Wasser Wohnung kalt")
    with site.app_context():
        indexing.rebuild(site)
    page = site.test_client().get("/de/suche?q=Heizung ausgefallen, Wohnung eiskalt").text
    main = main_of(page)
    assert 'class="safety safety-urgent"' in main
    results = main[main.index('class="result-list') :]
    assert results.index("Heizung fällt aus") < results.index("</ol>")
    assert "keinen passenden Artikel" not in main
