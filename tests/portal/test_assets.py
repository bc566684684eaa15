"""Fingerprinted static URLs cached for a year, and compressed responses."""

import gzip
import hashlib
import re
import shutil
from pathlib import Path

import brotli
import pytest
from backports import zstd
from flask import url_for

ONE_YEAR = "max-age=31536000"
DECOMPRESS = {"gzip": gzip.decompress, "br": brotli.decompress, "zstd": zstd.decompress}
# The session's CSRF token is signed with the current second, so two requests may differ there.
SIGNED_TOKEN = re.compile(rb'(name="csrf-token" content="[^".]+\.)[^"]+"')


def static_url(app, filename):
    with app.test_request_context():
        return url_for("static", filename=filename)


def content_hash(app, filename):
    return hashlib.sha256(Path(app.static_folder, filename).read_bytes()).hexdigest()[:12]


def test_pages_link_static_files_by_their_content(app, client):
    page = client.get("/de/").get_data(as_text=True)
    for filename in ("css/portal.css", "js/search.js", "favicon.svg"):
        assert f'"/static/{filename}?v={content_hash(app, filename)}"' in page


def test_fingerprinted_file_is_cached_for_a_year(app, client):
    client.get("/de/")  # a visitor with a session: static files still do not vary by cookie
    response = client.get(static_url(app, "css/portal.css"), buffered=True)
    assert response.status_code == 200
    assert response.data == Path(app.static_folder, "css/portal.css").read_bytes()
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("query", ["?v=000000000000", "?v=", ""])
def test_other_fingerprints_must_revalidate(client, query):
    response = client.get(f"/static/css/portal.css{query}", buffered=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert "ETag" in response.headers


def test_changed_file_gets_a_new_url_and_the_old_one_is_not_pinned(app, client, tmp_path):
    shutil.copytree(app.static_folder, tmp_path / "static")
    app.static_folder = str(tmp_path / "static")
    old_url = static_url(app, "css/portal.css")
    changed = b"body { color: #222; }\n"
    (tmp_path / "static/css/portal.css").write_bytes(changed)

    new_url = static_url(app, "css/portal.css")
    assert new_url != old_url and new_url.endswith(f"?v={content_hash(app, 'css/portal.css')}")
    stale = client.get(old_url, buffered=True)
    assert ONE_YEAR not in stale.headers["Cache-Control"]
    fresh = client.get(new_url, buffered=True)
    assert fresh.data == changed and ONE_YEAR in fresh.headers["Cache-Control"]


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
@pytest.mark.parametrize("kind", ["html", "css", "js", "json"])
def test_text_responses_are_compressed_when_accepted(app, client, kind, encoding):
    url = {
        "html": "/de/",
        "css": static_url(app, "css/portal.css"),
        "js": static_url(app, "js/search.js"),
        "json": "/api/openapi.json",
    }[kind]
    plain = client.get(url, buffered=True)
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]

    packed = client.get(
        url, headers={"Accept-Encoding": f"{encoding}, identity;q=0.5"}, buffered=True
    )
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
    unpacked = DECOMPRESS[encoding](packed.data)
    assert SIGNED_TOKEN.sub(rb"\1", unpacked) == SIGNED_TOKEN.sub(rb"\1", plain.data)
    assert packed.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]


@pytest.mark.parametrize("encoding", ["", "br"])
@pytest.mark.parametrize("validator", ["If-None-Match", "If-Modified-Since"])
def test_conditional_requests_for_static_files_answer_304(app, client, validator, encoding):
    url = static_url(app, "js/search.js")
    headers = {"Accept-Encoding": encoding}
    first = client.get(url, headers=headers, buffered=True)
    source = {"If-None-Match": "ETag", "If-Modified-Since": "Last-Modified"}[validator]

    again = client.get(url, headers={**headers, validator: first.headers[source]}, buffered=True)
    assert again.status_code == 304 and again.data == b""
    assert again.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_byte_ranges_are_sent_uncompressed(app, client):
    response = client.get(
        static_url(app, "css/portal.css"),
        headers={"Accept-Encoding": "br", "Range": "bytes=0-999"},
        buffered=True,
    )
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert response.data == Path(app.static_folder, "css/portal.css").read_bytes()[:1000]


def test_error_pages_and_downloads_are_not_compressed(editor_client):
    missing = editor_client.get("/de/artikel/gibt-es-nicht", headers={"Accept-Encoding": "br"})
    assert missing.status_code == 404 and "Content-Encoding" not in missing.headers
    assert "Content-Security-Policy" in missing.headers

    export = editor_client.get("/staff/feedback/export.csv", headers={"Accept-Encoding": "gzip"})
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "Content-Encoding" not in export.headers
