"""Every list page costs a fixed number of SQL queries however much the knowledge base holds:
an N+1 (a lazy load per listed article, section, tag or vote) makes the counts grow."""

import secrets

import pytest
from sqlalchemy import select

from articles import authoring, indexing, voting
from articles.models import Article, Reason, SearchQuery
from portal.extensions import db
from tests.helpers.database import sql_statements
from tests.helpers.staff import login

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
FIRST = 4  # small, so that every list (latest 6, helpful 5, related 5, hits 10) grows after it
MORE = 3 * FIRST
MEASURED = "pumpe-brummt-0-0"

# The most queries each page may cost: the measured count plus one, so that any statement per
# listed item (or a new one per page) shows. The comments name what a page reads today.
CUSTOMER_PAGES = {
    # for the page kept for anonymous readers: the change log's head and the scores; then
    # (after a change) the head again, per-category counts and top-level categories (kept for
    # the search pages), frequently helpful, latest
    "/de/": 7,
    # the category, its sections, the articles of all sections, frequently helpful
    "/de/kategorie/waschmaschinen": 5,
    # the article; the visitor's vote; the change log's head (for the ETag); tags; related;
    # translations; the view recorded
    f"/de/artikel/{MEASURED}": 8,
    # synonyms, helpfulness scores, the search logged, the change log's head for the topic
    # filter (kept per version of the articles) and, after a change, the per-category counts
    # and top-level categories
    "/de/suche?q=pumpe": 7,
    # as above, then the popular articles by clicks
    "/de/suche?q=xyzzy": 8,
}
STAFF_PAGES = {
    # as for customers plus the signed-in user; staff views are not recorded, nor is there a
    # visitor's vote to read
    "/de/": 6,
    "/de/kategorie/waschmaschinen": 6,
    f"/de/artikel/{MEASURED}": 7,
    "/de/suche?q=pumpe": 8,
    # the user; the articles with their latest revisions
    "/staff/articles/": 3,
    # the user; vote tallies, views, recent views, open feedback, uncounted votes, scores (all
    # grouped by article); the articles with both revisions
    "/staff/feedback/": 9,
    # the user; the queries grouped; the gaps grouped and whether they were answered since;
    # the trend; staff's suggestions; the earned ones and their spellings; the recommended
    # answers with their articles; the published articles to choose from
    "/staff/search/": 10,
    # the user; the article; its negative feedback; votes and views for all time, the last 30
    # days and two trends of two periods each (twelve); scores; uncounted votes; queries of
    # votes and of views; votes per revision; the revisions
    "/staff/feedback/{article_id}": 22,
}


def _article(slug: str) -> Article:
    return db.session.scalar(select(Article).where(Article.slug == slug))


def _vote(article: Article, helpful: bool) -> None:
    reason = None if helpful else Reason.UNCLEAR
    comment = None if helpful else "Welche Pumpe?"
    ballot = voting.Ballot(helpful, reason, comment)
    voting.cast(article, secrets.token_hex(32), secrets.token_hex(16), ballot, "pumpe")


def grow(app, batch: int, count: int) -> None:
    """Publish ``count`` German articles spread over Waschmaschinen, new sections of it and a
    new top-level category; each with shared and own tags, an English translation, two
    revisions, votes for both, a view and a clicked search. The measured article gets another
    revision and more votes too."""
    with app.app_context():
        made = []
        for number in range(count):
            category = (
                "Waschmaschinen",
                f"Waschmaschinen/Reihe {batch}-{number % 2}",
                f"Heizung {batch}",
            )[number % 3]
            content = authoring.Content(
                title=f"Pumpe brummt {batch}-{number}",
                body=f"## Ursache\n\nDie Pumpe {batch}-{number} brummt.",
                language="de",
                category=category,
                summary=f"Wenn die Pumpe {number} brummt.",
                tags=["pumpe", f"serie-{number % 3}", f"teil-{batch}-{number}"],
            )
            article = authoring.create_article(content, None)
            authoring.publish(article)
            english = authoring.create_article(
                authoring.Content(
                    title=f"Pump hums {batch}-{number}",
                    body="The pump hums.",
                    language="en",
                    category="Washing machines",
                    tags=["pump"],
                ),
                None,
            )
            authoring.publish(english)
            authoring.link_translations(article, english)
            made.append(article)
        db.session.commit()
        for article in [*made, _article(MEASURED)]:
            _vote(article, True)
            content = authoring.content_of(article)
            content.body += f"\n\nNachtrag {batch}."
            authoring.save(article, content, None)
            authoring.publish(article)
            db.session.commit()
            _vote(article, True)
            _vote(article, False)
            voting.record_view(article, secrets.token_hex(16), "pumpe")
            db.session.add_all(
                [
                    SearchQuery(
                        query="pumpe", language="de", result_count=count, clicked_slug=article.slug
                    ),
                    SearchQuery(query=f"rauschen {batch}", language="de", result_count=0),
                ]
            )
        db.session.commit()
        indexing.rebuild(app)


def query_counts(client, bounds: dict[str, int], article_id: int, reader: str) -> dict[str, int]:
    """The statements each page sends, after checking them against its bound.

    Each round reads from another address: the portal writes a reader's view once a day.
    """
    counts = {}
    for page, bound in bounds.items():
        url = page.format(article_id=article_id)
        with sql_statements(client.application) as statements:
            response = client.get(
                url, headers={"User-Agent": BROWSER}, environ_base={"REMOTE_ADDR": reader}
            )
        assert response.status_code == 200, url
        assert len(statements) <= bound, (url, statements)
        counts[url] = len(statements)
    return counts


@pytest.fixture
def portal(make_app):
    # Helpfulness scores and synonyms are read on every search rather than kept a while in the
    # process, so each search costs the same.
    return make_app(HELPFULNESS_CACHE_SECONDS=0, SEARCH_SYNC_SECONDS=0)


def test_page_queries_do_not_grow_with_the_knowledge_base(portal, staff):
    grow(portal, 0, FIRST)
    with portal.app_context():
        article_id = _article(MEASURED).id
    customer = portal.test_client()
    vote = customer.post(
        f"/de/artikel/{MEASURED}/bewertung", data={"vote": "yes"}, headers={"User-Agent": BROWSER}
    )
    assert vote.status_code == 303
    signed_in = portal.test_client()
    login(signed_in, staff["admin"])

    def counts(reader: str):
        return (
            query_counts(customer, CUSTOMER_PAGES, article_id, reader),
            query_counts(signed_in, STAFF_PAGES, article_id, reader),
        )

    before = counts("198.51.100.1")
    grow(portal, 1, MORE)
    assert counts("198.51.100.2") == before
