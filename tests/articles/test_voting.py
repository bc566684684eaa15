"""Voting on articles over HTTP: the form without JavaScript, the JSON endpoint, views."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from articles import authoring, visitors
from articles.models import Article, ArticleView, ArticleVote
from portal.extensions import db
from tests.articles.helpers import publish_article
from tests.helpers.pages import csrf_token
from tests.helpers.staff import login


@pytest.fixture
def article(app):
    return publish_article(app)


def _state(html: str) -> str:
    """Which part of the vote box the page shows."""
    shown = re.findall(r'data-state="(\w+)">', html)
    assert len(shown) == 1, shown
    return shown[0]


def _votes(app) -> list[ArticleVote]:
    with app.app_context():
        return list(db.session.scalars(select(ArticleVote).order_by(ArticleVote.id)))


def test_vote_change_and_withdraw_with_the_form(app, client, article):
    page = f"/de/artikel/{article}"
    assert _state(client.get(page).text) == "ask"

    answer = client.post(f"{page}/bewertung", data={"vote": "yes"})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"{page}#feedback")
    assert client.get_cookie("visitor") is not None
    assert _state(client.get(page).text) == "yes"

    client.post(f"{page}/bewertung", data={"vote": "no"})
    assert _state(client.get(page).text) == "reason"
    client.post(
        f"{page}/bewertung",
        data={"vote": "no", "reason": "outdated", "comment": "Das Modell WM 14 fehlt."},
    )
    assert _state(client.get(page).text) == "no"
    [vote] = _votes(app)
    assert (vote.helpful, vote.reason.value, vote.comment) == (
        False,
        "outdated",
        "Das Modell WM 14 fehlt.",
    )

    client.post(f"{page}/bewertung", data={"vote": "yes"})
    [vote] = _votes(app)
    assert (vote.helpful, vote.reason, vote.comment) == (True, None, None)

    client.post(f"{page}/bewertung", data={"vote": "withdraw"})
    assert _votes(app) == []
    assert _state(client.get(page).text) == "ask"


def test_one_vote_per_visitor_and_a_new_visitor_adds_one(app, article):
    first, second = app.test_client(), app.test_client()
    for _ in range(3):
        first.post(f"/de/artikel/{article}/bewertung", data={"vote": "yes"})
    second.post(f"/de/artikel/{article}/bewertung", data={"vote": "no"})
    assert sorted(vote.helpful for vote in _votes(app)) == [False, True]


def test_a_forged_visitor_cookie_counts_as_a_new_visitor(app, client, article):
    client.post(f"/de/artikel/{article}/bewertung", data={"vote": "yes"})
    client.set_cookie("visitor", "forged.value")
    client.post(f"/de/artikel/{article}/bewertung", data={"vote": "no"})
    assert sorted(vote.helpful for vote in _votes(app)) == [False, True]


def test_an_over_long_comment_is_refused_and_kept_on_the_page(app, client, article):
    comment = "Zu lang. " * 120
    answer = client.post(
        f"/de/artikel/{article}/bewertung",
        data={"vote": "no", "reason": "unclear", "comment": comment},
    )
    assert answer.status_code == 400
    assert "1000" in answer.text and "1080" in answer.text
    assert comment.strip() in answer.text
    assert "checked" in re.search(r'<input[^>]*value="unclear"[^>]*>', answer.text).group(0)
    assert _state(answer.text) == "reason"
    assert _votes(app) == []


def test_a_comment_the_database_cannot_store_is_refused_with_a_message(app, client, article):
    answer = client.post(
        f"/de/artikel/{article}/bewertung",
        data={"vote": "no", "reason": "other", "comment": "Null\x00Byte"},
    )
    assert answer.status_code == 400
    assert "NUL" in answer.text
    assert _votes(app) == []


def test_the_reason_form_needs_a_reason_or_a_comment(app, client, article):
    client.post(f"/de/artikel/{article}/bewertung", data={"vote": "no"})
    answer = client.post(f"/de/artikel/{article}/bewertung", data={"vote": "no", "comment": "   "})
    assert answer.status_code == 400
    assert "Bitte wählen Sie" in answer.text


def test_voting_on_unknown_or_unpublished_articles_is_404(app, client, article):
    assert (
        client.post("/de/artikel/gibt-es-nicht/bewertung", data={"vote": "yes"}).status_code == 404
    )
    answer = client.post("/api/articles/de/gibt-es-nicht/vote", json={"vote": "yes"})
    assert answer.status_code == 404 and answer.is_json
    with app.app_context():
        authoring.unpublish(db.session.scalar(select(Article).where(Article.slug == article)))
        db.session.commit()
    assert client.post(f"/api/articles/de/{article}/vote", json={"vote": "yes"}).status_code == 404


def test_json_vote_change_and_withdraw(app, client, article):
    url = f"/api/articles/de/{article}/vote"
    assert client.post(url, json={"vote": "yes"}).json == {
        "vote": "yes",
        "reason": None,
        "comment": None,
    }
    answer = client.post(url, json={"vote": "no", "reason": "broken", "comment": "Bild fehlt"})
    assert answer.json == {"vote": "no", "reason": "broken", "comment": "Bild fehlt"}
    assert client.post(url, json={"vote": "withdraw"}).json["vote"] is None
    assert _votes(app) == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("vote=yes", "send a JSON object"),
        ([1, 2], "send a JSON object"),
        ({}, "vote must be one of"),
        ({"vote": "vielleicht"}, "vote must be one of"),
        ({"vote": "no", "reason": "langweilig"}, "reason must be one of"),
        ({"vote": "no", "comment": 5}, "comment must be a string"),
        ({"vote": "no", "comment": "x" * 1001}, "at most 1000 characters"),
        ({"vote": "yes", "reason": "unclear"}, "only goes with a 'no' vote"),
        ({"vote": ["yes"]}, "vote must be one of"),
        ({"vote": "no", "reason": {"a": 1}}, "reason must be one of"),
        ({"vote": "no", "comment": "a\u0000b"}, "NUL"),
    ],
)
def test_bad_json_votes_get_400_with_a_reason(app, client, article, body, reason):
    url = f"/api/articles/de/{article}/vote"
    if isinstance(body, str):
        answer = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    else:
        answer = client.post(url, json=body)
    assert answer.status_code == 400
    assert reason in answer.json["reason"]
    assert _votes(app) == []


def test_votes_need_the_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    slug = publish_article(app)
    client = app.test_client()
    page = client.get(f"/de/artikel/{slug}")
    assert client.post(f"/de/artikel/{slug}/bewertung", data={"vote": "yes"}).status_code == 400
    assert client.post(f"/api/articles/de/{slug}/vote", json={"vote": "yes"}).status_code == 400
    assert _votes(app) == []
    token = csrf_token(page.text)
    answer = client.post(f"/de/artikel/{slug}/bewertung", data={"vote": "yes", "csrf_token": token})
    assert answer.status_code == 303
    answer = client.post(
        f"/api/articles/de/{slug}/vote", json={"vote": "no"}, headers={"X-CSRFToken": token}
    )
    assert answer.status_code == 200
    assert [vote.helpful for vote in _votes(app)] == [False]


def test_votes_are_rate_limited_per_visitor(make_app):
    app = make_app(VOTE_VISITOR_RATE_LIMIT="3 per minute")
    slug = publish_article(app)
    client = app.test_client()
    client.post(f"/api/articles/de/{slug}/vote", json={"vote": "yes"})  # gets the cookie
    codes = [
        client.post(f"/api/articles/de/{slug}/vote", json={"vote": vote}).status_code
        for vote in ("no", "yes", "no", "yes")
    ]
    assert codes == [200, 200, 200, 429]


def test_votes_are_rate_limited_per_address(make_app):
    app = make_app(VOTE_RATE_LIMIT="2 per minute")
    slug = publish_article(app)
    codes = [
        app.test_client().post(f"/api/articles/de/{slug}/vote", json={"vote": "yes"}).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]


def test_no_raw_address_is_stored_and_the_hash_changes_daily(app, client, article, monkeypatch):
    address = "203.0.113.77"
    client.get(f"/de/artikel/{article}", environ_base={"REMOTE_ADDR": address})
    client.post(
        f"/de/artikel/{article}/bewertung",
        data={"vote": "yes"},
        environ_base={"REMOTE_ADDR": address},
    )
    with app.app_context():
        rows = [
            *db.session.execute(select(ArticleVote.__table__)).all(),
            *db.session.execute(select(ArticleView.__table__)).all(),
        ]
    assert rows and not any(address in str(value) for row in rows for value in row)
    with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
        today = visitors.address_hash()
        monkeypatch.setattr(visitors, "utcnow", lambda: datetime(2030, 1, 2, tzinfo=UTC))
        assert visitors.address_hash() != today


def _views(app) -> list[ArticleView]:
    with app.app_context():
        return list(db.session.scalars(select(ArticleView)))


def test_a_view_counts_once_per_reader_and_day(app, article):
    browser = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
    other = {"User-Agent": "Mozilla/5.0 (Macintosh) Safari/605.1.15"}
    client = app.test_client()
    for _ in range(3):
        client.get(f"/de/artikel/{article}", headers=browser)
    # Without cookies either: a fresh client from the same address is the same reader, and so
    # is one that only sends another browser name.
    app.test_client().get(f"/de/artikel/{article}", headers=browser)
    app.test_client().get(f"/de/artikel/{article}", headers=other)
    assert len(_views(app)) == 1
    app.test_client().get(
        f"/de/artikel/{article}", headers=other, environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    assert len(_views(app)) == 2


def test_an_ipv6_client_is_one_reader_and_one_voter_across_its_64(app, article):
    browser = {"User-Agent": "Mozilla/5.0 Firefox/140.0"}
    for host in range(1, 9):
        client = app.test_client()
        address = {"REMOTE_ADDR": f"2001:db8:1:2::{host:x}"}
        client.get(f"/de/artikel/{article}", headers=browser, environ_base=address)
        client.post(f"/de/artikel/{article}/bewertung", data={"vote": "yes"}, environ_base=address)
    assert len(_views(app)) == 1
    with app.app_context():
        counted = db.session.scalar(select(func.count()).where(ArticleVote.counted.is_(True)))
    assert counted == app.config["HELPFULNESS_VOTES_PER_ADDRESS"]


def test_the_cap_on_votes_per_address_outlasts_the_day(app, monkeypatch):
    start = date.fromordinal(date(2030, 1, 1).toordinal() // 30 * 30)  # a period begins

    def hash_on(day: date) -> str:
        moment = datetime.combine(day, datetime.min.time(), UTC)
        monkeypatch.setattr(visitors, "utcnow", lambda: moment)
        return visitors.address_hash()

    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.77"}):
        first = hash_on(start)
        assert hash_on(start + timedelta(days=29)) == first
        assert hash_on(start + timedelta(days=30)) != first


@pytest.mark.parametrize(
    "agent",
    ["", "Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0", "python-requests/2.32"],
)
def test_bots_are_not_counted(app, article, agent):
    app.test_client().get(f"/de/artikel/{article}", headers={"User-Agent": agent})
    assert _views(app) == []


def test_staff_views_are_not_counted(app, client, staff, article):
    login(client, staff["editor"])
    client.get(f"/de/artikel/{article}", headers={"User-Agent": "Mozilla/5.0 Firefox/140.0"})
    assert _views(app) == []


def test_the_search_that_led_to_the_article_is_kept_with_view_and_vote(app, client, article):
    from articles import indexing

    with app.app_context():
        indexing.rebuild(app)
    results = client.get("/de/suche?q=tür+klemmt")
    link = re.search(r'href="(/de/suche/treffer/[^"]+)"', results.text).group(1)
    client.get(link.replace("&amp;", "&"), headers={"User-Agent": "Mozilla/5.0 Firefox/140.0"})
    client.get(f"/de/artikel/{article}", headers={"User-Agent": "Mozilla/5.0 Firefox/140.0"})
    client.post(f"/de/artikel/{article}/bewertung", data={"vote": "yes"})
    [view] = _views(app)
    [vote] = _votes(app)
    assert view.query == vote.query == "tür klemmt"


def test_a_no_with_a_reason_offers_a_callback_about_the_article(app, client):
    page = f"/de/artikel/{publish_article(app, title='Trockner piept')}"
    client.post(f"{page}/bewertung", data={"vote": "no", "reason": "outdated"})
    shown = client.get(page).text
    no = shown.split('data-state="no"')[1].split("</div>")[0]
    assert "Rückruf anfordern" in no and "/de/rueckruf?thema=Trockner+piept" in no
