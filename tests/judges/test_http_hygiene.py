"""What every response owes a browser, and what every endpoint does with broken requests:
security headers, cookie flags, no details on errors, and a clear 4xx for oversized bodies,
wrong content types, invalid UTF-8 and missing or forged CSRF tokens."""

import re

import pytest
from flask import url_for

from tests.helpers.config import GENEROUS_LIMITS
from tests.judges.site import Site, populate, signed_in


def _routes(app, site: Site, method: str) -> list[tuple[str, str]]:
    values = {
        "article_id": site.article_id,
        "appointment_id": site.appointment_id,
        "technician_id": site.technician_id,
        "service_id": site.service_id,
        "absence_id": site.absence_id,
        "photo_id": 1,
        "user_id": 1,
        "number": 1,
        "lang": "de",
        "slug": site.slug_de,
        "path": "waschmaschinen",
        "key": "x",
        "filename": "favicon.svg",
        "log_id": 1,
        "rank": 1,
        "token": site.manage_token,
        "callback_id": 1,
        "suggestion_id": 1,
        "pin_id": 1,
    }
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if method in (rule.methods or ()):
                args = {name: values[name] for name in rule.arguments}
                found.append((rule.endpoint, url_for(rule.endpoint, **args)))
    return sorted(found)


def _check_headers(response, where: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    script = re.search(r"script-src ([^;]*)", policy)
    assert script and "'unsafe-inline'" not in script.group(1), where
    assert "frame-ancestors 'none'" in policy, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy"), where
    assert "Server" not in response.headers, where


@pytest.mark.judge
def test_every_response_carries_the_security_headers(app):
    site = populate(app)
    anonymous, admin = app.test_client(), signed_in(app, "admin")
    checked = 0
    for endpoint, url in _routes(app, site, "GET"):
        for client in (anonymous, admin):
            with client.get(url) as response:
                assert response.status_code < 500, endpoint
                _check_headers(response, f"{endpoint} {response.status_code}")
            checked += 1
    for url in ("/gibt-es-nicht", "/api/gibt-es-nicht", "/de/artikel/%00"):
        _check_headers(anonymous.get(url), url)
    assert checked > 80


def test_https_deployments_get_strict_transport_security(make_app):
    assert "Strict-Transport-Security" not in make_app().test_client().get("/de/").headers
    secure = make_app(PORTAL_HTTPS=True).test_client().get("/de/")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.judge
def test_every_cookie_is_httponly_and_samesite(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    site = populate(app)
    client = app.test_client()
    responses = [
        client.get("/sprache/en?next=/de/"),
        client.post(f"/api/articles/de/{site.slug_de}/vote", json={"vote": "yes"}),
        client.post(
            "/staff/login",
            data={
                "email": "admin@portal.example",
                "password": "correct horse battery staple",
                "remember": "y",
            },
        ),
    ]
    cookies = [c for r in responses for c in r.headers.getlist("Set-Cookie")]
    names = {cookie.split("=", 1)[0] for cookie in cookies}
    assert {"lang", "visitor", "session", "remember_token"} <= names
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


@pytest.mark.judge
def test_errors_tell_no_details(make_app):
    app = make_app(TESTING=False)

    @app.get("/api/kaputt")
    def broken_api():
        raise RuntimeError("secret detail")

    @app.get("/de/kaputt")
    def broken_page():
        raise RuntimeError("secret detail")

    client = app.test_client()
    for url in ("/api/kaputt", "/de/kaputt"):
        response = client.get(url)
        text = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "secret detail" not in text and "Traceback" not in text and "Werkzeug" not in text
    assert client.get("/api/kaputt").is_json


# Signing out would end the session the later requests rely on.
SIGN_OUT = ("auth.logout", "profile.sign_out_everywhere")


def _post_routes(app, site):
    return [(e, u) for e, u in _routes(app, site, "POST") if e not in SIGN_OUT]


@pytest.mark.judge
@pytest.mark.parametrize("role", [None, "admin"])
def test_broken_requests_get_a_clear_4xx(make_app, role):
    app = make_app(WTF_CSRF_ENABLED=False, MAX_CONTENT_LENGTH=64 * 1024, **GENEROUS_LIMITS)
    site = populate(app)
    client = signed_in(app, role) if role else app.test_client()
    attempts = {
        "oversized": {"data": {"comment": "x" * (65 * 1024)}},
        "json as form": {"data": b'{"vote": "yes"}', "content_type": "application/json"},
        "form as json": {"data": b"vote=yes", "content_type": "application/json"},
        "text/plain": {"data": b"vote=yes", "content_type": "text/plain"},
        "bad utf-8 form": {
            "data": b"vote=\xff\xfe&comment=\xc3\x28",
            "content_type": "application/x-www-form-urlencoded",
        },
        "bad utf-8 json": {"data": b'{"vote": "\xff"}', "content_type": "application/json"},
        "bad multipart": {
            "data": b"--x\r\nbroken",
            "content_type": "multipart/form-data; boundary=x",
        },
    }
    for endpoint, url in _post_routes(app, site):
        for name, request in attempts.items():
            response = client.post(url, **request)
            assert response.status_code < 500, (endpoint, name)
            if url.startswith("/api/") and response.status_code >= 400:
                assert response.is_json, (endpoint, name)
        response = client.get(url + "?q=%ff%fe&x=%c3%28")
        assert response.status_code < 500, (endpoint, "bad utf-8 query")
    assert client.post("/de/termin", **attempts["oversized"]).status_code == 413


@pytest.mark.judge
def test_missing_or_forged_csrf_tokens_are_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    site = populate(app)
    client = app.test_client()
    client.get("/de/")  # a session exists, so only the token is missing or wrong
    for endpoint, url in _post_routes(app, site):
        for token in (None, "forged.token.value"):
            data = {"csrf_token": token} if token else {}
            headers = {"X-CSRFToken": token} if token else {}
            response = client.post(url, data=data, headers=headers)
            assert response.status_code == 400, (endpoint, token)
            if url.startswith("/api/"):
                assert response.is_json, endpoint
            else:
                assert "abgelaufen" in response.get_data(as_text=True), endpoint
