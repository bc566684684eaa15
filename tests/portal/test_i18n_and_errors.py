import pytest


def test_ui_speaks_german_by_default(client):
    page = client.get("/de/").get_data(as_text=True)
    assert '<html lang="de">' in page
    assert "Wie können wir helfen?" in page


def test_ui_speaks_english_on_request_and_remembers_it(client):
    page = client.get("/en/").get_data(as_text=True)
    assert '<html lang="en">' in page and "How can we help?" in page
    response = client.get("/")
    assert response.headers["Location"] == "/en/"
    assert '<html lang="en">' in client.get("/staff/login").get_data(as_text=True)


def test_language_switch_for_pages_without_language_in_url(client):
    response = client.get("/sprache/en?next=/staff/login")
    assert response.headers["Location"] == "/staff/login"
    assert "Staff sign-in" in client.get("/staff/login").get_data(as_text=True)


def test_language_switch_refuses_foreign_redirects(client):
    response = client.get("/sprache/en?next=//evil.example/")
    assert response.headers["Location"] == "/en/"


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/de/artikel/gibt-es-nicht", "Seite nicht gefunden"),
        ("/en/artikel/does-not-exist", "Page not found"),
    ],
)
def test_unknown_article_gives_a_404_in_the_users_language(client, url, text):
    response = client.get(url)
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_oversized_request_is_refused_with_a_clear_message(make_app, staff):
    app = make_app(MAX_CONTENT_LENGTH=1000)
    client = app.test_client()
    response = client.post("/staff/login", data={"email": "a@b.c", "password": "x" * 5000})
    assert response.status_code == 413
    assert "zu groß" in response.get_data(as_text=True)


def test_unexpected_errors_show_a_page_without_details(make_app):
    app = make_app(TESTING=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Etwas ist schiefgelaufen" in body and "secret internals" not in body


def test_security_headers_on_every_response(client):
    for url in ("/de/", "/staff/login", "/de/artikel/nope"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]


def test_german_catalog_translates_every_ui_string(tmp_path):
    """Every string in the code and templates has a German translation."""
    import subprocess
    import sys
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            Path(sys.executable).parent / "pybabel",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            pot,
            ".",
        ],
        cwd=root,
        check=True,
        capture_output=True,
    )
    with (root / "portal/translations/de/LC_MESSAGES/messages.po").open("rb") as handle:
        german = {m.id: m for m in read_po(handle) if m.id}
    with pot.open("rb") as handle:
        wanted = [m.id for m in read_po(handle) if m.id]
    untranslated = [
        msgid
        for msgid in wanted
        if msgid not in german
        or not all(
            german[msgid].string
            if isinstance(german[msgid].string, tuple)
            else [german[msgid].string]
        )
        or german[msgid].fuzzy
    ]
    assert untranslated == []


@pytest.mark.parametrize(
    "target", ["/\t/evil.example/", "/\n/evil.example", "/\r\n/x", "//evil.example", "/\\evil"]
)
def test_redirect_targets_with_control_characters_stay_on_the_site(client, target):
    from urllib.parse import quote

    response = client.get(f"/sprache/de?next={quote(target)}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/de/"
