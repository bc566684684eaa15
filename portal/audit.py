"""The staff audit log: who changed which account, article or setting, and when.

Features call :func:`record` next to the change, before their own commit, so the entry is
written in the same transaction as the change or not at all. Every action code has a label
in the UI's language (:data:`ACTIONS`); a feature adds its own with :func:`describe`, and a code
without one is shown as "Other change", never raw.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import AuditEntry, User

TARGET_MAX = 200
DETAIL_MAX = 500
PER_PAGE = 50

ACTIONS = {
    "account.created": _l("Account created"),
    "account.invited": _l("Account invited"),
    "account.invitation_resent": _l("Invitation sent again"),
    "account.invitation_accepted": _l("Invitation accepted"),
    "account.changed": _l("Account changed"),
    "account.deactivated": _l("Account deactivated"),
    "account.reactivated": _l("Account reactivated"),
    "password.changed": _l("Password changed"),
    "password.reset_requested": _l("Password reset requested"),
    "password.reset": _l("Password reset by e-mail link"),
    "two_factor.enabled": _l("Two-factor sign-in switched on"),
    "two_factor.disabled": _l("Two-factor sign-in switched off"),
    "two_factor.recovery_code_used": _l("Recovery code used"),
    "sessions.ended": _l("Signed out everywhere"),
    "article.published": _l("Article published"),
    "article.unpublished": _l("Article unpublished"),
    "article.archived": _l("Article archived"),
    "synonyms.changed": _l("Synonyms edited"),
}
OTHER = _l("Other change")


def describe(action: str, label) -> None:
    """Give a feature's action code its label (a lazy gettext string)."""
    ACTIONS[action] = label


def label(action: str):
    return ACTIONS.get(action, OTHER)


def record(user: User | None, action: str, target: str, detail: str = "") -> AuditEntry:
    """Add an entry for ``user`` (None: the system) doing ``action`` to ``target``; the caller
    commits."""
    entry = AuditEntry(
        actor_id=getattr(user, "id", None),
        action=action[:40],
        target=str(target)[:TARGET_MAX],
        detail=str(detail)[:DETAIL_MAX],
    )
    db.session.add(entry)
    return entry


def page(number: int) -> tuple[list[AuditEntry], int, int]:
    """The entries of page ``number`` (kept within the pages there are), newest first, that
    page's number and how many pages there are."""
    total = db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    pages = max(1, -(-total // PER_PAGE))
    number = min(max(number, 1), pages)
    entries = db.session.scalars(
        select(AuditEntry)
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(PER_PAGE)
        .offset((number - 1) * PER_PAGE)
    ).all()
    return list(entries), number, pages
