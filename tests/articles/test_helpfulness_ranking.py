"""Votes move search results and the "Frequently helpful" lists, within bounds."""

import random
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from articles import catalog, indexing, ranking, voting
from articles.models import Article, ArticleScore, ArticleVote
from portal.extensions import db
from tests.articles.helpers import publish_article, vote
from tests.helpers.config import POSTGRES_URL

BODY = (
    "## Ursache\n\nDie Umwälzpumpe brummt, wenn Luft im Heizkreis ist.\n\n## Lösung\n\nEntlüften."
)


def order(client, query="pumpe brummt"):
    return [hit["slug"] for hit in client.get(f"/api/search?q={query}&lang=de").json["results"]]


@pytest.fixture
def twins(app):
    """Two articles that match the query equally well."""
    first = publish_article(app, title="Pumpe brummt (Modell 1)", body=BODY, tags=["pumpe"])
    second = publish_article(app, title="Pumpe brummt (Modell 2)", body=BODY, tags=["pumpe"])
    with app.app_context():
        indexing.rebuild(app)
    return first, second


def test_the_order_of_equally_relevant_articles_follows_the_votes(app, client, twins):
    leader, follower = order(client)
    assert {leader, follower} == set(twins)
    scores = [hit["score"] for hit in client.get("/api/search?q=pumpe+brummt").json["results"]]
    assert scores[0] == pytest.approx(scores[1])
    vote(app, follower, True)
    assert order(client) == [follower, leader]
    vote(app, leader, True, times=3)
    assert order(client) == [leader, follower]
    vote(app, leader, False, times=6)
    assert order(client) == [follower, leader]


def test_a_single_vote_does_not_beat_many(app, client, twins):
    first, second = twins
    vote(app, first, True)
    vote(app, second, True, times=30)
    vote(app, second, False, times=10)
    assert order(client) == [second, first]
    with app.test_request_context():
        assert [a.slug for a in catalog.frequently_helpful("de")] == [second, first]


def test_a_burst_from_one_address_moves_nothing(app, client, twins):
    first, second = twins
    vote(app, first, True, times=8)
    assert order(client) == [first, second]
    vote(app, second, True, address="one-address-hash", times=500)
    assert order(client) == [first, second]
    with app.test_request_context():
        assert [a.slug for a in catalog.frequently_helpful("de")] == [first, second]
    with app.app_context():
        counted = db.session.scalar(
            select(func.count()).where(
                ArticleVote.counted.is_(True), ArticleVote.address == "one-address-hash"
            )
        )
        stored = db.session.scalar(
            select(func.count()).where(ArticleVote.address == "one-address-hash")
        )
    assert (counted, stored) == (app.config["HELPFULNESS_VOTES_PER_ADDRESS"], 500)


def test_votes_never_lift_a_much_weaker_match(app, client):
    strong = publish_article(
        app,
        title="Flusensieb reinigen",
        summary="Das Flusensieb der Waschmaschine reinigen.",
        body="## Flusensieb\n\nDas Flusensieb sitzt unten rechts. Flusensieb herausdrehen, "
        "Flusensieb ausspülen, Flusensieb wieder einsetzen.",
        tags=["flusensieb"],
    )
    weak = publish_article(
        app,
        title="Waschmaschine pflegen",
        summary="Pflegetipps für ein langes Leben.",
        body="## Pflege\n\nEinmal im Monat heiß waschen, die Tür offen lassen, die Dichtung "
        "abwischen, das Waschmittelfach säubern und ab und zu auch das Flusensieb ansehen. "
        "Entkalker nur bei sehr hartem Wasser, Kalk im Wasser ist sonst kein Problem.",
        tags=["pflege"],
    )
    unrelated = publish_article(app, title="Backofen heizt nicht", body="Sicherung prüfen.")
    with app.app_context():
        indexing.rebuild(app)
    vote(app, weak, True, times=200)
    vote(app, unrelated, True, times=200)
    vote(app, strong, False, times=200)
    assert order(client, "flusensieb") == [strong, weak]
    assert order(client, "flusensieb reinigen")[0] == strong


def test_other_processes_see_a_vote_once_their_cache_expires(make_app, twins, clock):
    voter = make_app()
    other_client = make_app(HELPFULNESS_CACHE_SECONDS=1.5).test_client()
    leader, follower = order(other_client)
    vote(voter, follower, True, times=2)
    assert order(other_client) == [leader, follower]
    clock.advance(1.6)
    assert order(other_client) == [follower, leader]


def test_frequently_helpful_lists_on_home_and_category_pages(app, client):
    helpful = publish_article(app, title="Entkalken leicht gemacht", body="Essig hilft nicht.")
    unvoted = publish_article(app, title="Türdichtung tauschen", body="So geht es.")
    disliked = publish_article(app, title="Programme im Überblick", body="Eco, Kurz, Intensiv.")
    other_category = publish_article(
        app, title="Therme entlüften", body="Ventil öffnen.", category="Heizung"
    )
    vote(app, helpful, True, times=5)
    vote(app, disliked, False, times=5)
    vote(app, other_category, True, times=8)
    home = client.get("/de/").text
    listed = home[home.index('id="helpful-heading"') : home.index('id="latest-heading"')]
    assert listed.index("Therme entlüften") < listed.index("Entkalken leicht gemacht")
    assert "Türdichtung" not in listed and "Programme im Überblick" not in listed
    category = client.get("/de/kategorie/waschmaschinen").text
    listed = category[category.index('id="helpful-heading"') :]
    assert "Entkalken leicht gemacht" in listed.split("</section>")[0]
    assert "Therme entlüften" not in category
    assert unvoted  # listed in its section, not among the helpful ones


def _sums(app):
    with app.app_context():
        return {
            row.article_id: (round(row.yes, 9), round(row.no, 9))
            for row in db.session.scalars(select(ArticleScore))
            if row.yes or row.no
        }


def _sums_and_rebuilt(app):
    """The running sums as the votes left them, and as a rebuild from the votes makes them."""
    running = _sums(app)
    with app.app_context():
        ranking.rebuild_scores()
    return running, _sums(app)


def test_running_sums_match_the_votes_after_changes_from_many_threads(app, twins):
    """Votes, changes and withdrawals racing each other leave the sums the votes add up to."""
    errors = []

    def worker(seed):
        rng = random.Random(seed)
        try:
            with app.app_context():
                articles = db.session.scalars(select(Article)).all()
                for _ in range(15):
                    voting.cast(
                        rng.choice(articles),
                        f"visitor-{rng.randrange(4)}",
                        f"address-{rng.randrange(3)}",
                        voting.Ballot(rng.choice([True, False, None])),
                    )
        except Exception as error:
            errors.append(repr(error))

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    running, rebuilt = _sums_and_rebuilt(app)
    assert running == rebuilt


def test_a_change_that_read_a_withdrawn_vote_never_lands_on_someone_elses(app, twins, monkeypatch):
    """A reads its vote; meanwhile A withdraws it in another tab and B votes for the first
    time. A's change must start again, not take B's new vote for the one it read."""
    read_vote = voting.vote_of
    interfered = []

    def read_then_others_write(article, visitor):
        vote = read_vote(article, visitor)
        if not interfered:
            interfered.append(True)
            with app.app_context():
                same = db.session.get(Article, article.id)
                voting.cast(same, "visitor-a", "address-a", voting.Ballot(None))
                voting.cast(same, "visitor-b", "address-b", voting.Ballot(True))
        return vote

    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == twins[0]))
        voting.cast(article, "visitor-a", "address-a", voting.Ballot(True))
        monkeypatch.setattr(voting, "vote_of", read_then_others_write)
        voting.cast(article, "visitor-a", "address-a", voting.Ballot(False))
        stored = dict(db.session.execute(select(ArticleVote.visitor, ArticleVote.helpful)).all())
    assert interfered
    assert stored == {"visitor-a": False, "visitor-b": True}
    running, rebuilt = _sums_and_rebuilt(app)
    assert running == rebuilt


@pytest.mark.skipif(not POSTGRES_URL, reason="SQLite has no row locks; its writers queue anyway")
def test_simultaneous_first_votes_from_one_address_stay_within_its_share(make_app, twins):
    first, _ = twins
    app = make_app(HELPFULNESS_VOTES_PER_ADDRESS=2)
    start = threading.Barrier(8)
    errors = []

    def worker(number):
        try:
            with app.app_context():
                article = db.session.scalar(select(Article).where(Article.slug == first))
                start.wait(timeout=30)
                voting.cast(article, f"visitor-{number}", "one-address", voting.Ballot(True))
        except Exception as error:
            errors.append(repr(error))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        counted = db.session.scalars(select(ArticleVote.counted)).all()
    assert sorted(counted) == [False] * 6 + [True] * 2


def test_a_new_half_life_rebuilds_the_sums(make_app, twins):
    first, _ = twins
    app = make_app()
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == first))
        old = ArticleVote(
            article_id=article.id,
            visitor="old",
            address="old",
            day=date(2026, 1, 1),
            helpful=True,
            counted=True,
        )
        db.session.add(old)
        db.session.commit()
        ranking.rebuild_scores()
        year_old = ranking.compute_scores()[first]
    faster = make_app(HELPFULNESS_HALF_LIFE_DAYS=30)
    with faster.app_context():
        assert ranking.compute_scores()[first] < year_old
        assert {row.half_life_days for row in db.session.scalars(select(ArticleScore))} == {30}
