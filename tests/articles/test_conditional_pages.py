"""Article pages answer a browser's revalidation with 304 until something the page shows changes."""

import pytest
from flask import template_rendered
from sqlalchemy import select

from articles import authoring
from articles.models import Article
from portal.extensions import db
from tests.articles.helpers import publish_article
from tests.helpers.pages import csrf_token
from tests.helpers.staff import login

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}


@pytest.fixture
def article(app):
    return publish_article(app, title="Heizung gluckert")


@pytest.fixture
def rendered():
    """The templates any app renders while the test runs."""
    names = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def revalidate(client, url, response, **headers):
    return client.get(
        url, headers={**BROWSER, "If-None-Match": response.headers["ETag"], **headers}
    )


def test_an_unchanged_page_is_answered_with_304_and_not_rendered(client, article, rendered):
    url = f"/de/artikel/{article}"
    first = client.get(url, headers=BROWSER)
    assert first.status_code == 200
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "private" in first.headers["Cache-Control"]
    assert "no-cache" in first.headers["Cache-Control"]

    rendered.clear()
    again = revalidate(client, url, first)
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert rendered == []


def test_a_compressed_copys_etag_is_recognised(client, article):
    url = f"/de/artikel/{article}"
    first = client.get(url, headers=BROWSER)
    etag = first.headers["ETag"].strip('"')
    again = client.get(url, headers={**BROWSER, "If-None-Match": f'"{etag}:gzip"'})
    assert again.status_code == 304


def test_if_modified_since_alone_is_honoured(client, article):
    url = f"/de/artikel/{article}"
    first = client.get(url, headers=BROWSER)
    since = first.headers["Last-Modified"]
    assert client.get(url, headers={**BROWSER, "If-Modified-Since": since}).status_code == 304
    earlier = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert client.get(url, headers={**BROWSER, "If-Modified-Since": earlier}).status_code == 200


def test_a_new_revision_changes_the_page(app, client, article):
    url = f"/de/artikel/{article}"
    first = client.get(url, headers=BROWSER)
    with app.app_context():
        found = db.session.scalar(select(Article).where(Article.slug == article))
        content = authoring.content_of(found)
        content.body = "## Neu\n\nDas Ventil entlüften."
        authoring.save(found, content, None)
        authoring.publish(found)
        db.session.commit()
    again = revalidate(client, url, first)
    assert again.status_code == 200
    assert "Das Ventil entlüften." in again.get_data(as_text=True)


def test_another_published_article_changes_the_page(app, client, article):
    """It may now be listed as related; the page cannot know without rendering."""
    url = f"/de/artikel/{article}"
    first = client.get(url, headers=BROWSER)
    publish_article(app, title="Heizung gluckert nach dem Entlüften")
    assert revalidate(client, url, first).status_code == 200


def test_the_visitors_vote_changes_the_page(client, article):
    url = f"/de/artikel/{article}"
    first = client.get(url, headers=BROWSER)
    voted = client.post(f"/de/artikel/{article}/bewertung", data={"vote": "yes"}, headers=BROWSER)
    assert voted.status_code == 303
    again = revalidate(client, url, first)
    assert again.status_code == 200
    assert revalidate(client, url, again).status_code == 304


def test_signing_in_changes_the_page(client, staff, article):
    url = f"/de/artikel/{article}"
    first = client.get(url, headers=BROWSER)
    login(client, staff["editor"])
    again = revalidate(client, url, first)
    assert again.status_code == 200
    assert "Bearbeiten" in again.get_data(as_text=True)


def test_another_visitors_copy_is_not_confirmed(app, client, article):
    """The page carries the session's CSRF token: another session's copy would not work."""
    url = f"/de/artikel/{article}"
    first = client.get(url, headers=BROWSER)
    stranger = app.test_client()
    assert revalidate(stranger, url, first).status_code == 200


def test_a_waiting_message_is_shown_rather_than_confirming_the_copy(client, article):
    url = f"/de/artikel/{article}"
    first = client.get(url, headers=BROWSER)
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Gespeichert.")]
    again = revalidate(client, url, first)
    assert again.status_code == 200
    assert "Gespeichert." in again.get_data(as_text=True)


def test_anonymous_visitors_share_one_rendering_each_with_a_working_token(make_app, rendered):
    app = make_app(WTF_CSRF_ENABLED=True)
    slug = publish_article(app, title="Heizkörper bleibt kalt")
    rendered.clear()
    url = f"/de/artikel/{slug}"
    visitors = [app.test_client() for _ in range(3)]
    pages = [visitor.get(url, headers=BROWSER).get_data(as_text=True) for visitor in visitors]
    assert rendered.count("articles/detail.html") == 1

    tokens = [csrf_token(page) for page in pages]
    assert len(set(tokens)) == 3
    assert {page.replace(token, "") for page, token in zip(pages, tokens, strict=True)} == {
        pages[0].replace(tokens[0], "")
    }
    for visitor, token in zip(visitors, tokens, strict=True):
        voted = visitor.post(
            f"{url}/bewertung", data={"vote": "yes", "csrf_token": token}, headers=BROWSER
        )
        assert voted.status_code == 303
    stolen = app.test_client()
    stolen.get(url, headers=BROWSER)
    refused = stolen.post(f"{url}/bewertung", data={"vote": "no", "csrf_token": tokens[0]})
    assert refused.status_code == 400


def test_the_home_page_is_rendered_once_for_anonymous_readers_until_votes_or_articles_move(
    app, client, article, rendered
):
    rendered.clear()
    for visitor in (client, app.test_client()):
        assert visitor.get("/de/", headers=BROWSER).status_code == 200
    assert rendered.count("articles/home.html") == 1

    client.post(f"/de/artikel/{article}/bewertung", data={"vote": "yes"}, headers=BROWSER)
    app.test_client().get("/de/", headers=BROWSER)
    assert rendered.count("articles/home.html") == 2
    publish_article(app, title="Warmwasser wird nicht warm")
    page = app.test_client().get("/de/", headers=BROWSER).get_data(as_text=True)
    assert "Warmwasser wird nicht warm" in page
