"""The staff side of votes: per-article report, "needs attention", marking done, CSV."""

import csv
import io
import re
from html import unescape

from sqlalchemy import select

from articles import authoring, voting
from articles.models import Article, ArticleVote, Reason
from portal.extensions import db
from tests.articles.helpers import publish_article, vote
from tests.helpers.staff import login


def _article(slug) -> Article:
    return db.session.scalar(select(Article).where(Article.slug == slug))


def _feedback(app, slug, reason, comment, query=None, address="same"):
    with app.app_context():
        voting.cast(
            _article(slug),
            f"visitor-{comment}",
            address,
            voting.Ballot(False, Reason(reason), comment),
            query,
        )


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_needs_attention_lists_the_worst_articles_first(app, client, staff):
    good = publish_article(app, title="Gut erklärt", body="Alles klar.")
    bad = publish_article(app, title="Schlecht erklärt", body="Unklar.")
    vote(app, good, True, times=6)
    vote(app, bad, False, times=4)
    vote(app, bad, True)
    login(client, staff["editor"])
    page = _text(client.get("/staff/feedback/").text)
    assert page.index("Schlecht erklärt") < page.index("Gut erklärt")
    assert re.search(r"Schlecht erklärt \(de\) 0 1 4 ", page)

    rows = list(csv.DictReader(io.StringIO(client.get("/staff/feedback/export.csv").text)))
    assert [row["slug"] for row in rows] == [bad, good]
    assert (rows[0]["yes"], rows[0]["no"], rows[0]["open_feedback"]) == ("1", "4", "4")
    assert float(rows[0]["interval_low"]) < float(rows[0]["score"]) < float(rows[1]["score"])


def test_article_report_shows_reasons_comments_queries_and_revisions(app, client, staff):
    slug = publish_article(app, title="Trockner piept", body="Behälter leeren.")
    _feedback(app, slug, "outdated", "Mein Modell fehlt", query="trockner piept")
    _feedback(app, slug, "unclear", '=HYPERLINK("x")', query="kondensbehälter")
    with app.app_context():
        voting.cast(_article(slug), "happy", "other", voting.Ballot(True), "trockner piept")
        article = _article(slug)
        authoring.save(
            article,
            authoring.Content(
                title="Trockner piept",
                body="Behälter leeren und Sieb reinigen.",
                language="de",
                category="Waschmaschinen/Probleme lösen",
            ),
            None,
            message="Sieb ergänzt",
        )
        authoring.publish(article)
        db.session.commit()
        voting.cast(_article(slug), "after-edit", "third", voting.Ballot(True))
        article_id = article.id
    login(client, staff["editor"])
    page = _text(client.get(f"/staff/feedback/{article_id}").text)
    assert "Mein Modell fehlt" in page and '=HYPERLINK("x")' in page
    assert "Veraltet" in page
    assert re.search(r"trockner piept 0 1 1", page)
    assert re.search(r"kondensbehälter 0 0 1", page)
    assert re.search(r"2 \(veröffentlicht\) .*? 1 0 ", page)
    assert re.search(r" 1 \S+ \S+ \S+ 1 2 ", page)  # revision 1: one yes, two no
    assert "2 offen" in page

    comments = client.get("/staff/feedback/comments.csv").text
    assert "'=HYPERLINK" in comments  # no formula reaches a spreadsheet
    rows = list(csv.DictReader(io.StringIO(comments)))
    assert {row["query"] for row in rows} == {"trockner piept", "kondensbehälter"}
    assert {row["revision"] for row in rows} == {"1"}


def test_feedback_items_can_be_marked_done_one_or_all(app, client, staff):
    slug = publish_article(app)
    for comment in ("Eins", "Zwei", "Drei"):
        _feedback(app, slug, "other", comment, address=comment)
    with app.app_context():
        article_id = _article(slug).id
        first = db.session.scalar(select(ArticleVote.id).where(ArticleVote.comment == "Eins"))
    login(client, staff["editor"])
    client.post(f"/staff/feedback/{article_id}/done", data={"item": first})
    with app.app_context():
        done = db.session.scalars(
            select(ArticleVote.comment).where(ArticleVote.resolved_at.is_not(None))
        ).all()
    assert done == ["Eins"]
    answer = client.post(f"/staff/feedback/{article_id}/done", follow_redirects=True)
    assert "2" in _text(answer.text)
    with app.app_context():
        assert (
            db.session.scalar(select(ArticleVote.id).where(ArticleVote.resolved_at.is_(None)))
            is None
        )
    # New feedback from the same visitor opens the item again.
    _feedback(app, slug, "unclear", "Eins")
    with app.app_context():
        reopened = db.session.scalar(select(ArticleVote).where(ArticleVote.comment == "Eins"))
        assert reopened.resolved_at is None


def test_the_demo_has_feedback_for_the_reports(app, client, staff):
    runner = app.test_cli_runner()
    assert "Demo feedback:" in runner.invoke(args=["demo", "load"]).output
    assert "Demo feedback:" not in runner.invoke(args=["demo", "load"]).output
    login(client, staff["editor"])
    rows = list(csv.DictReader(io.StringIO(client.get("/staff/feedback/export.csv").text)))
    voted = [row for row in rows if int(row["yes"]) + int(row["no"]) > 0]
    assert len(voted) > 40
    assert float(voted[0]["score"]) < 0.5 < float(voted[-1]["score"])
    assert sum(int(row["views"]) for row in rows) > 1000
    comments = list(csv.DictReader(io.StringIO(client.get("/staff/feedback/comments.csv").text)))
    assert any(row["comment"] for row in comments) and any(row["query"] for row in comments)
