"""Walk every route from the URL map as anonymous, editor, dispatcher and admin."""

import pytest

from tests.helpers.staff import login

ALL_STAFF = {"editor", "dispatcher", "admin"}
# Which roles may use each staff endpoint; a staff route missing here fails the walk.
STAFF_ACCESS = {
    "auth.home": ALL_STAFF,
    "auth.logout": ALL_STAFF,
    "accounts.index": {"admin"},
    "accounts.create": {"admin"},
    "accounts.edit": {"admin"},
    "accounts.resend_invitation": {"admin"},
    "accounts.reset_two_factor": {"admin"},
    "audit.index": {"admin"},
    "profile.index": ALL_STAFF,
    "profile.password": ALL_STAFF,
    "profile.sign_out_everywhere": ALL_STAFF,
    "profile.two_factor": ALL_STAFF,
    "profile.two_factor_off": ALL_STAFF,
    "editor.index": {"editor", "admin"},
    "editor.create": {"editor", "admin"},
    "editor.edit": {"editor", "admin"},
    "editor.preview": {"editor", "admin"},
    "editor.change_status": {"editor", "admin"},
    "editor.history": {"editor", "admin"},
    "editor.diff": {"editor", "admin"},
    "editor.restore": {"editor", "admin"},
    "editor.images": {"editor", "admin"},
    "search.report": {"editor", "admin"},
    "search.export": {"editor", "admin"},
    "search.synonyms": {"editor", "admin"},
    "search.decide_suggestion": {"editor", "admin"},
    "search.remove_suggestion": {"editor", "admin"},
    "promoted.add": {"editor", "admin"},
    "promoted.remove": {"editor", "admin"},
    "feedback.overview": {"editor", "admin"},
    "feedback.export": {"editor", "admin"},
    "feedback.export_comments": {"editor", "admin"},
    "feedback.article": {"editor", "admin"},
    "feedback.resolve": {"editor", "admin"},
    "dispatch.online_today": {"dispatcher", "admin"},
    "dispatch.cancel_network": {"dispatcher", "admin"},
    "dispatch.day": {"dispatcher", "admin"},
    "dispatch.week": {"dispatcher", "admin"},
    "dispatch.detail": {"dispatcher", "admin"},
    "dispatch.photo": {"dispatcher", "admin"},
    "dispatch.change_status": {"dispatcher", "admin"},
    "dispatch.reassign": {"dispatcher", "admin"},
    "dispatch.phone_booking": {"dispatcher", "admin"},
    "dispatch.export": {"dispatcher", "admin"},
    "dispatch.technicians": {"dispatcher", "admin"},
    "dispatch.new_technician": {"dispatcher", "admin"},
    "dispatch.edit_technician": {"dispatcher", "admin"},
    "dispatch.absences": {"dispatcher", "admin"},
    "dispatch.delete_absence": {"dispatcher", "admin"},
    "dispatch.services": {"dispatcher", "admin"},
    "dispatch.new_service": {"dispatcher", "admin"},
    "dispatch.edit_service": {"dispatcher", "admin"},
    "callbacks_staff.open_requests": {"dispatcher", "admin"},
    "callbacks_staff.closed_requests": {"dispatcher", "admin"},
    "callbacks_staff.close": {"dispatcher", "admin"},
}
PUBLIC = {
    "auth.login",
    "auth.login_code",
    "auth.forgot_password",
    "auth.reset_password",
    "auth.accept_invitation",
    "static",
    "i18n.switch",
}
# Signing out would end the walk; checked in test_auth and test_sessions.
SIGN_OUT = {"auth.logout", "profile.sign_out_everywhere"}
SAMPLE_ARGS = {
    "article_id": 1,
    "user_id": 1,
    "number": 1,
    "lang": "de",
    "slug": "x",
    "path": "x",
    "key": "x",
    "filename": "x.png",
    "log_id": 1,
    "rank": 1,
    "token": "x",
    "appointment_id": 1,
    "photo_id": 1,
    "technician_id": 1,
    "absence_id": 1,
    "service_id": 1,
    "callback_id": 1,
    "suggestion_id": 1,
    "pin_id": 1,
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            args = {name: SAMPLE_ARGS[name] for name in rule.arguments}
            with app.test_request_context():
                from flask import url_for

                yield rule.endpoint, method, url_for(rule.endpoint, **args)


def test_every_staff_route_is_in_the_access_table(app):
    staff_endpoints = {
        endpoint for endpoint, _, url in _routes(app) if url.startswith("/staff")
    } - PUBLIC
    assert staff_endpoints == set(STAFF_ACCESS)


@pytest.mark.parametrize("role", [None, "editor", "dispatcher", "admin"])
def test_staff_routes_answer_each_role_as_expected(app, client, staff, role):
    if role:
        login(client, staff[role])
    checked = 0
    for endpoint, method, url in _routes(app):
        if endpoint not in STAFF_ACCESS:
            continue
        if endpoint in SIGN_OUT and role:
            continue
        response = client.open(url, method=method)
        if role is None:
            assert response.status_code == 302, (endpoint, method)
            assert response.headers["Location"].startswith("/staff/login"), (endpoint, method)
        elif role in STAFF_ACCESS[endpoint]:
            assert response.status_code not in (401, 403), (endpoint, method, role)
            assert not response.headers.get("Location", "").startswith("/staff/login")
        else:
            assert response.status_code == 403, (endpoint, method, role)
        checked += 1
    assert checked >= len(STAFF_ACCESS) - len(SIGN_OUT)


def test_public_routes_never_ask_for_login(app, client):
    for endpoint, method, url in _routes(app):
        if endpoint in STAFF_ACCESS or method != "GET":
            continue
        response = client.get(url)
        location = response.headers.get("Location", "")
        assert not location.startswith("/staff/login"), endpoint
        assert response.status_code < 500, endpoint
