"""The staff audit log: one function records, the caller commits, and administrators read it
with German labels, newest first, a page at a time."""

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from articles import searching
from articles.models import Article
from portal import audit
from portal.extensions import db
from portal.models import AuditEntry, user_by_email, utcnow
from tests.articles.helpers import publish_article
from tests.helpers.staff import PASSWORD, login
from tests.portal.account_helpers import key_on_setup_page, link_in, mails_to, path_of, user_id


def _actions(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def _entries(app) -> list[tuple[str, str, str | None]]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(row.action, row.target, row.actor.email if row.actor else None) for row in rows]


def test_record_adds_to_the_session_and_the_caller_commits(app, staff):
    with app.app_context():
        admin = user_by_email(staff["admin"])
        audit.record(admin, "account.changed", "x@portal.example", "Name")
        db.session.rollback()
        assert db.session.scalars(select(AuditEntry)).all() == []
        entry = audit.record(admin, "account.changed", "x@portal.example", "Name")
        db.session.commit()
        assert (entry.actor_id, entry.action, entry.target, entry.detail) == (
            admin.id,
            "account.changed",
            "x@portal.example",
            "Name",
        )
        assert entry.created_at is not None
        audit.record(None, "account.created", "y" * 500, "z" * 1000)  # cut, never refused
        db.session.commit()


def test_account_changes_are_recorded(app, staff, admin_client):
    admin_client.post(
        "/staff/users/new", data={"email": "neu@portal.example", "name": "Neu", "role": "editor"}
    )
    new_id = user_id(app, "neu@portal.example")
    admin_client.post(f"/staff/users/{new_id}/invitation")
    link = link_in(mails_to(app, "neu@portal.example")[-1])
    app.test_client().post(
        path_of(link), data={"password": "Kaffee Tasse Fahrrad", "confirm": "Kaffee Tasse Fahrrad"}
    )
    editor_id = user_id(app, staff["editor"])
    edit = f"/staff/users/{editor_id}"
    admin_client.post(edit, data={"name": "Ed", "role": "dispatcher", "active": "y"})
    admin_client.post(
        edit,
        data={
            "name": "Ed",
            "role": "dispatcher",
            "active": "y",
            "password": "Deich Möwe Leuchtturm",
        },
    )
    admin_client.post(edit, data={"name": "Ed", "role": "dispatcher"})
    admin_client.post(edit, data={"name": "Ed", "role": "dispatcher", "active": "y"})
    assert _entries(app) == [
        ("account.invited", "neu@portal.example", staff["admin"]),
        ("account.invitation_resent", "neu@portal.example", staff["admin"]),
        ("account.invitation_accepted", "neu@portal.example", "neu@portal.example"),
        ("account.changed", staff["editor"], staff["admin"]),
        ("password.changed", staff["editor"], staff["admin"]),
        ("account.deactivated", staff["editor"], staff["admin"]),
        ("account.reactivated", staff["editor"], staff["admin"]),
    ]
    with app.app_context():
        changed = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "account.changed")
        )
        assert changed.detail == "Name: Editor → Ed; Rolle: Redakteur → Disponent"


def test_password_sign_out_and_two_factor_events_are_recorded(app, staff, editor_client):
    editor_client.post(
        "/staff/account/password",
        data={
            "current_password": PASSWORD,
            "password": "Deich Möwe Leuchtturm",
            "confirm": "Deich Möwe Leuchtturm",
        },
    )
    secret = key_on_setup_page(editor_client.get("/staff/account/two-factor").text)
    editor_client.post("/staff/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    editor_client.post("/staff/account/two-factor/off", data={"password": "Deich Möwe Leuchtturm"})
    editor_client.post("/staff/account/sign-out-everywhere")
    app.test_client().post("/staff/password/forgot", data={"email": staff["editor"]})
    link = link_in(mails_to(app, staff["editor"])[0])
    app.test_client().post(
        path_of(link), data={"password": "Kaffee Tasse Fahrrad", "confirm": "Kaffee Tasse Fahrrad"}
    )
    assert _actions(app) == [
        "password.changed",
        "two_factor.enabled",
        "two_factor.disabled",
        "sessions.ended",
        "password.reset_requested",
        "password.reset",
    ]


def test_publishing_and_archiving_articles_is_recorded(app, staff, editor_client):
    slug = publish_article(app)
    with app.app_context():
        article_id = db.session.scalar(select(Article.id).where(Article.slug == slug))
    for action in ("unpublish", "publish", "archive"):
        editor_client.post(f"/staff/articles/{article_id}/status", data={"action": action})
    editor_client.post(
        "/staff/articles/new",
        data={
            "title": "Heizung entlüften",
            "language": "de",
            "category": "Heizung",
            "body": "Entlüften Sie den Heizkörper.",
            "action": "publish",
        },
    )
    assert _entries(app) == [
        ("article.unpublished", f"{slug} (de)", staff["editor"]),
        ("article.published", f"{slug} (de)", staff["editor"]),
        ("article.archived", f"{slug} (de)", staff["editor"]),
        ("article.published", "heizung-entlueften (de)", staff["editor"]),
    ]


def test_editing_synonyms_is_recorded_with_the_languages_changed(app, staff, editor_client):
    with app.app_context():
        english = searching.synonym_text("en")
    editor_client.post(
        "/staff/search/synonyms",
        data={"de": "Therme = Gastherme\nSpüle = Waschbecken", "en": english},
    )
    assert _entries(app)[-1][:2] == ("synonyms.changed", "de")


def test_the_audit_page_shows_german_labels_newest_first(app, staff, admin_client):
    with app.app_context():
        admin = user_by_email(staff["admin"])
        for action in audit.ACTIONS:
            audit.record(admin, action, f"ziel-{action}")
        entry = audit.record(None, "booking.something_new", "Termin 17")
        entry.created_at = utcnow() + timedelta(minutes=1)
        db.session.commit()
    page = admin_client.get("/staff/audit/").text
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    for code in (*audit.ACTIONS, "booking.something_new"):
        assert f">{code}<" not in body  # never a raw code
    assert "<td>Konto eingeladen</td>" in body
    assert "<td>Artikel veröffentlicht</td>" in body
    assert "<td>Synonyme bearbeitet</td>" in body
    assert "<td>Überall abgemeldet</td>" in body
    rows = body.split("<tr>")[1:]
    assert "Sonstige Änderung" in rows[0] and "System" in rows[0]  # the newest first
    first, *_, last = audit.ACTIONS
    assert f"ziel-{last}" in rows[1]  # then in the order recorded, last first
    assert f"ziel-{first}" in rows[-1]


@pytest.mark.parametrize("role", ["editor", "dispatcher"])
def test_only_administrators_see_the_audit_log(client, staff, role):
    login(client, staff[role])
    assert client.get("/staff/audit/").status_code == 403
    assert "/staff/audit/" not in client.get("/staff/").text


def test_the_staff_home_links_to_the_audit_log(admin_client):
    assert 'href="/staff/audit/"' in admin_client.get("/staff/").text


def test_the_audit_log_is_paginated(app, staff, admin_client):
    with app.app_context():
        for number in range(audit.PER_PAGE * 2 + 7):
            audit.record(None, "account.changed", f"konto-{number:03d}")
        db.session.commit()
    first = admin_client.get("/staff/audit/").text
    assert first.count("<tr>") == audit.PER_PAGE + 1  # and the head row
    assert "Seite 1 von 3" in first and "konto-106" in first and "konto-056" not in first
    assert 'href="/staff/audit/?seite=2"' in first
    last = admin_client.get("/staff/audit/?seite=3").text
    assert last.count("<tr>") == 7 + 1 and "konto-000" in last
    assert "Seite 3 von 3" in admin_client.get("/staff/audit/?seite=999").text
    assert admin_client.get("/staff/audit/?seite=abc").status_code == 200
