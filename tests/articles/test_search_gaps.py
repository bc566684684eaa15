"""Content gaps staff can act on: queries without a confident answer, their spellings grouped,
counted, charted over 30 and 90 days, and marked solved once a later search was answered."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from articles import search_report
from articles.models import SearchQuery
from articles.suggestions import query_key
from portal.extensions import db
from portal.models import utcnow
from tests.articles.helpers import publish_article, searchable_e18_article
from tests.helpers.staff import login


@pytest.fixture
def site(app):
    return searchable_e18_article(app)


def _log(app, query, answered, results=0, days_ago=0.0, language="de"):
    """A search as find() logs it, dated in the past."""
    with app.app_context():
        db.session.add(
            SearchQuery(
                query=" ".join(query.lower().split()),
                language=language,
                result_count=results,
                answered=answered,
                folded=query_key(query, language),
                created_at=utcnow() - timedelta(days=days_ago),
            )
        )
        db.session.commit()


def _gaps_table(page: str) -> str:
    return page.split("Suchanfragen ohne sichere Antwort, letzte")[1].split("</table>")[0]


def _row(table: str, label: str) -> str:
    return next(row for row in table.split("<tr>") if f"<td>{label}</td>" in row)


def test_the_search_library_says_whether_it_answered_and_the_log_keeps_it(site, client):
    client.get("/de/suche?q=Flusensieb")
    client.get("/de/suche?q=Zeitmaschine")
    with site.app_context():
        rows = db.session.execute(
            select(SearchQuery.query, SearchQuery.result_count, SearchQuery.answered).order_by(
                SearchQuery.id
            )
        ).all()
    assert [tuple(row) for row in rows] == [("flusensieb", 1, True), ("zeitmaschine", 0, False)]


def test_spellings_of_one_query_are_one_gap(site, client, staff):
    for spelling in ("F28", "f 28", "Fehler F-28", "F-28"):
        client.get(f"/de/suche?q={spelling}")
    for spelling in ("kuehl truhe brummt", "Kühltruhe brummt", "kühltruhe  BRUMMT"):
        client.get(f"/de/suche?q={spelling}")
    for spelling in ("dunstabzugshaube", "dunstabzugshaub", "Dunstabzugshaube"):
        client.get(f"/de/suche?q={spelling}")
    client.get("/de/suche?q=Flusensieb")
    login(client, staff["editor"])
    page = client.get("/staff/search/").get_data(as_text=True)
    table = _gaps_table(page)
    codes = _row(table, "f 28")
    assert "f 28, f-28, f28" in codes and "<td>3</td>" in codes
    freezer = _row(table, "kühltruhe brummt")
    assert "kuehl truhe brummt" in freezer and "<td>3</td>" in freezer
    typos = _row(table, "dunstabzugshaube")
    assert "dunstabzugshaub" in typos and "<td>3</td>" in typos
    assert "fehler f-28" in table  # another query: it has a word more
    assert "flusensieb" not in table
    assert "offen" in codes and "Artikel dazu schreiben" in codes


def test_searches_answered_without_confidence_are_gaps_too(site, staff, client):
    _log(site, "heizung komisches geräusch", answered=False, results=4)
    _log(site, "waschmaschine", answered=True, results=9)
    _log(site, "alte suche ohne urteil", answered=None, results=3)
    login(client, staff["editor"])
    table = _gaps_table(client.get("/staff/search/").get_data(as_text=True))
    assert "heizung komisches geräusch" in table
    assert "waschmaschine" not in table and "alte suche ohne urteil" not in table


def test_a_gap_is_solved_once_a_later_search_was_answered(site, client, staff):
    _log(site, "trockner riecht verbrannt", answered=False, days_ago=3)
    _log(site, "Trockner riecht verbrannt", answered=False, days_ago=2)
    _log(site, "kondensator brummt", answered=False, days_ago=1)
    _log(site, "kondensator brummt", answered=True, results=2, days_ago=5)  # earlier: no help
    publish_article(site, title="Trockner riecht verbrannt", body="Flusen am Heizelement.")
    client.get("/de/suche?q=trockner+riecht+verbrannt")
    login(client, staff["editor"])
    table = _gaps_table(client.get("/staff/search/").get_data(as_text=True))
    solved = _row(table, "trockner riecht verbrannt")
    assert "gelöst" in solved and "Artikel dazu schreiben" not in solved
    assert "offen" in _row(table, "kondensator brummt")
    # Open gaps come first.
    assert table.index("kondensator brummt") < table.index("trockner riecht verbrannt")


def test_the_trend_is_an_accessible_chart_with_its_figures_in_a_table(site, client, staff):
    for days_ago in (0, 0, 1, 10, 40, 80):
        _log(site, "solarthermie wartung", answered=False, days_ago=days_ago)
    _log(site, "waschmaschine", answered=True, results=5)
    login(client, staff["editor"])
    page = client.get("/staff/search/").get_data(as_text=True)
    chart = page.split("<svg")[1].split("</svg>")[0]
    assert 'role="img"' in chart
    assert "<title" in chart and "4 Suchen ohne sichere Antwort in den letzten 30 Tagen" in chart
    assert chart.count("<rect") == 30
    table = page.split("</svg>")[1].split("</table>")[0]
    assert "<caption>Suchen pro Tag</caption>" in table
    today = re.findall(r"<tr><th scope=\"row\">[^<]+</th><td>(\d+)</td><td>(\d+)</td></tr>", table)
    assert today[-1] == ("2", "3") and len(today) == 30

    page = client.get("/staff/search/?verlauf=90").get_data(as_text=True)
    chart = page.split("<svg")[1].split("</svg>")[0]
    assert "6 Suchen ohne sichere Antwort in den letzten 90 Tagen" in chart
    assert chart.count("<rect") == 13
    assert "<caption>Suchen pro Woche</caption>" in page and "Woche ab" in page


def test_trend_buckets_count_each_search_once(site):
    for days_ago in (0, 6, 7, 13, 14, 89):
        _log(site, "solarthermie wartung", answered=False, days_ago=days_ago)
    with site.app_context():
        trend = search_report.trend(90, date.today())
    assert trend.unanswered == 6 and len(trend.bars) == 13
    assert [bar.unanswered for bar in trend.bars][-3:] == [1, 2, 2]


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("dunstabzugshaube", "dunstabzugshaub", True),
        ("dunstabzugshaube", "dunstabzugshaube", True),
        ("kochfeld", "kochfeid", True),
        ("kochfeld", "kochfelder", False),
        ("heizung", "hiezung", False),
    ],
)
def test_one_edit_apart(a, b, near):
    assert search_report.within_one_edit(a, b) is near


def test_short_keys_are_never_merged_as_typos():
    assert search_report.typo_groups(["e18", "e19", "f28"]) == {
        "e18": "e18",
        "e19": "e19",
        "f28": "f28",
    }


def test_the_demo_fills_an_empty_search_log_once_and_the_report_shows_gaps(app, client, staff):
    runner = app.test_cli_runner()
    assert "Demo search log:" in runner.invoke(args=["demo", "load"]).output
    assert "Demo search log:" not in runner.invoke(args=["demo", "load"]).output
    with app.app_context():
        logged = db.session.scalar(select(func.count()).select_from(SearchQuery))
        searchers = db.session.scalar(select(func.count(SearchQuery.searcher.distinct())))
        clicks = db.session.scalar(select(func.count(SearchQuery.clicked_slug)))
    assert 200 <= logged <= 600 and searchers >= 20 and clicks > 50
    login(client, staff["editor"])
    page = client.get("/staff/search/?tage=90").get_data(as_text=True)
    table = _gaps_table(page)
    assert "offen" in table and "gelöst" in table
    assert "Vorgeschlagen, weil viele Besucher danach gesucht haben" in page


def test_long_queries_are_not_grouped_by_typo():
    long = "waschmaschine " * 10
    grouped = search_report.typo_groups([long, long + "x"])
    assert grouped == {long: long, long + "x": long + "x"}
