import io

from PIL import Image as PILImage
from sqlalchemy import select

from articles.models import Article, Status
from portal.extensions import db
from tests.conftest import csrf_token, login

FORM = {
    "title": "Trockner piept",
    "language": "de",
    "category": "Trockner/Probleme lösen",
    "tags": "trockner, piepen",
    "summary": "Warum der Trockner piept.",
    "body": "## Ursache\n\nDer Kondensbehälter ist voll.",
    "message": "Erste Fassung",
}


def post_article(client, url="/staff/articles/new", **changes):
    return client.post(url, data={**FORM, **changes})


def _article(app):
    with app.app_context():
        article = db.session.scalar(select(Article))
        db.session.expunge_all()
        return article


def test_editor_previews_without_saving(app, editor_client):
    page = post_article(editor_client, action="preview").get_data(as_text=True)
    assert '<h2 id="ursache">Ursache</h2>' in page
    assert 'value="Trockner piept"' in page
    assert _article(app) is None


def test_editor_saves_a_draft_then_publishes_and_customers_see_it(app, editor_client):
    response = post_article(editor_client, action="draft")
    article = _article(app)
    assert response.headers["Location"] == f"/staff/articles/{article.id}"
    assert article.status is Status.DRAFT
    assert editor_client.get("/de/artikel/trockner-piept").status_code == 404
    post_article(editor_client, f"/staff/articles/{article.id}", action="publish")
    assert _article(app).status is Status.PUBLISHED
    page = app.test_client().get("/de/artikel/trockner-piept").get_data(as_text=True)
    assert "Der Kondensbehälter ist voll." in page


def test_form_with_errors_keeps_everything_typed(app, editor_client):
    page = post_article(editor_client, action="draft", category="A/B/C").get_data(as_text=True)
    assert "Kategorie/Abschnitt" in page
    assert 'value="Trockner piept"' in page and "Der Kondensbehälter ist voll." in page
    assert _article(app) is None
    page = post_article(editor_client, action="draft", title="").get_data(as_text=True)
    assert "Der Kondensbehälter ist voll." in page and 'aria-invalid="true"' in page


def test_history_diff_and_restore(app, editor_client):
    post_article(editor_client, action="publish")
    article_id = _article(app).id
    post_article(
        editor_client,
        f"/staff/articles/{article_id}",
        body="Ganz neuer Text.",
        message="Umgeschrieben",
    )
    history = editor_client.get(f"/staff/articles/{article_id}/history").get_data(as_text=True)
    assert "Umgeschrieben" in history and "Erste Fassung" in history
    diff = editor_client.get(f"/staff/articles/{article_id}/diff?from=1&to=2")
    text = diff.get_data(as_text=True)
    assert "<del>" in text and "Der Kondensbehälter ist voll." in text
    assert "<ins>" in text and "Ganz neuer Text." in text
    assert editor_client.get(f"/staff/articles/{article_id}/diff?from=1&to=9").status_code == 404
    editor_client.post(f"/staff/articles/{article_id}/restore/1")
    with app.app_context():
        article = db.session.get(Article, article_id)
        assert article.latest.number == 3 and "Kondensbehälter" in article.latest.body
        assert article.published.number == 1


def test_status_buttons_unpublish_and_archive(app, editor_client):
    post_article(editor_client, action="publish")
    article_id = _article(app).id
    editor_client.post(f"/staff/articles/{article_id}/status", data={"action": "unpublish"})
    assert _article(app).status is Status.DRAFT
    editor_client.post(f"/staff/articles/{article_id}/status", data={"action": "archive"})
    assert _article(app).status is Status.ARCHIVED
    assert (
        editor_client.post(
            f"/staff/articles/{article_id}/status", data={"action": "delete"}
        ).status_code
        == 400
    )


def test_live_preview_answers_sanitised_json(editor_client):
    response = editor_client.post(
        "/staff/articles/preview", data={"body": "## Hallo\n<script>x()</script>"}
    )
    assert response.is_json and '<h2 id="hallo">Hallo</h2>' in response.json["html"]
    assert "<script" not in response.json["html"]


def test_every_editor_form_needs_a_csrf_token(make_app, staff):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    from tests.conftest import PASSWORD

    client.post(
        "/staff/login", data={"email": staff["editor"], "password": PASSWORD, "csrf_token": token}
    )
    for url in (
        "/staff/articles/new",
        "/staff/articles/preview",
        "/staff/articles/images",
        "/staff/articles/1/status",
        "/staff/articles/1/restore/1",
        "/staff/logout",
    ):
        response = client.post(url, data={**FORM, "action": "draft"})
        assert response.status_code == 400, url
        assert "abgelaufen" in response.get_data(as_text=True)


def _png(size=(4, 3)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_image_upload_checks_content_and_serves_it(app, editor_client):
    response = editor_client.post(
        "/staff/articles/images",
        data={"image": (io.BytesIO(_png()), "Pumpe Foto.PNG"), "alt": "Pumpe"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201
    url = response.json["url"]
    assert response.json["markdown"] == f"![Pumpe]({url})" and url.endswith("/pumpe-foto.png")
    served = app.test_client().get(url)
    assert served.status_code == 200 and served.data == _png()
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_fake_and_oversized_images_are_refused(make_app, staff):
    app = make_app(MAX_IMAGE_BYTES=200)
    client = app.test_client()
    login(client, staff["editor"])
    fake = client.post(
        "/staff/articles/images",
        data={"image": (io.BytesIO(b"<svg onload=alert(1)>"), "x.png")},
    ).get_data(as_text=True)
    assert "kein lesbares Bild" in fake
    big = client.post(
        "/staff/articles/images",
        data={"image": (io.BytesIO(_png((300, 300)) + b"\0" * 300), "big.png")},
        headers={"Accept": "application/json"},
    )
    assert big.status_code == 400 and "zu groß" in big.json["error"]


def test_new_article_from_a_search_gap_prefills_the_title(editor_client):
    page = editor_client.get("/staff/articles/new?title=Trockner+riecht").get_data(as_text=True)
    assert 'value="Trockner riecht"' in page
