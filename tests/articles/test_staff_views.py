import io
import struct
import zlib

from PIL import Image as PILImage
from sqlalchemy import select

from articles.models import Article, Status
from portal.extensions import db
from tests.helpers.pages import csrf_token
from tests.helpers.staff import login

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
    from tests.helpers.staff import PASSWORD

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


def _photo_with_location(kind: str) -> bytes:
    exif = PILImage.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {2: (53.0, 33.0, 0.0)}
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "blue").save(buffer, kind, exif=exif)
    return buffer.getvalue()


def test_uploaded_images_lose_their_camera_and_location(app, editor_client):
    for kind in ("JPEG", "PNG", "WEBP"):
        original = _photo_with_location(kind)
        assert b"CameraMaker" in original
        response = editor_client.post(
            "/staff/articles/images",
            data={"image": (io.BytesIO(original), f"foto.{kind.lower()}"), "alt": "Foto"},
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 201, kind
        served = app.test_client().get(response.json["url"]).data
        assert b"CameraMaker" not in served, kind
        assert not PILImage.open(io.BytesIO(served)).getexif(), kind


def _claimed_size_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels."""
    data = bytearray(_png((1, 1)))
    header = struct.pack(">II", width, height) + data[24:29]
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)


def test_images_claiming_too_many_pixels_are_refused_before_decoding(make_app, staff):
    client = make_app(MAX_IMAGE_PIXELS=1_000_000).test_client()
    login(client, staff["editor"])
    for claimed in (_claimed_size_png(2000, 2000), _claimed_size_png(60_000, 60_000)):
        assert len(claimed) < 100
        answer = client.post(
            "/staff/articles/images",
            data={"image": (io.BytesIO(claimed), "bombe.png")},
            headers={"Accept": "application/json"},
        )
        assert answer.status_code == 400 and "zu viele Pixel" in answer.json["error"]


def test_saving_an_article_with_an_image_from_elsewhere_says_why(editor_client):
    page = post_article(
        editor_client, body="Siehe ![Zähler](https://tracker.example/p.gif)", action="draft"
    ).get_data(as_text=True)
    assert "Bildverwaltung" in page and "tracker.example/p.gif" in page
    assert 'value="Trockner piept"' in page


def test_saving_a_body_that_would_render_slowly_says_why(editor_client):
    page = post_article(editor_client, body="[" * 3000, action="draft").get_data(as_text=True)
    assert "eckige Klammern" in page and 'value="Trockner piept"' in page
