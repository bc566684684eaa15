"""What changes a staff account, each with its audit entry and, where it matters, the end of the
account's sessions: invitations, passwords set, changed and reset, two-factor, deactivation.

Every function leaves the commit to its caller, so a change and its audit entry are one
transaction. Links in e-mails are built on ``PORTAL_BASE_URL``, never on the request's Host.
"""

import smtplib

from flask import current_app, render_template
from flask_babel import gettext as _

from portal import audit, passwords, sessions, tokens, two_factor
from portal.extensions import db
from portal.mail import absolute_url, compose, send
from portal.models import Role, TokenPurpose, User, invite_user, user_by_email


def _send(user: User, subject: str, template: str, **values) -> bool:
    text = render_template(template, user=user, **values)
    try:
        send(compose(user.email, subject, text))
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("could not send %s to account %s", template, user.id)
        return False
    return True


def _send_invitation(user: User) -> bool:
    token = tokens.issue(user, TokenPurpose.INVITATION)
    return _send(
        user,
        _("Your access to the Nordlicht staff area"),
        "portal/email/invitation.txt",
        link=absolute_url("auth.accept_invitation", token=token),
        hours=int(current_app.config["INVITATION_HOURS"]),
        min_length=passwords.MIN_LENGTH,
    )


def invite(admin: User, email: str, name: str, role: Role) -> tuple[User, bool]:
    """Create an account without a password and send its owner the link to choose one.
    Returns the account and whether the e-mail went out; the caller commits."""
    user = invite_user(email, name, role)
    db.session.flush()  # the link needs the account's id
    audit.record(admin, "account.invited", user.email, _role_name(role))
    return user, _send_invitation(user)


def resend_invitation(admin: User, user: User) -> bool:
    """Send a new invitation link; the older one stops working. The caller commits."""
    audit.record(admin, "account.invitation_resent", user.email)
    return _send_invitation(user)


def accept_invitation(token: str, password: str) -> User | None:
    """Set the invited account's first password; None when the link no longer works."""
    user = tokens.redeem(token, TokenPurpose.INVITATION)
    if user is None or not user.invitation_pending:
        return None
    user.set_password(password)
    sessions.end_all(user)
    tokens.forget(user)
    audit.record(user, "account.invitation_accepted", user.email)
    return user


def request_password_reset(email: str) -> None:
    """E-mail a reset link when an active account has this address; say nothing either way."""
    user = user_by_email(email)
    if user is None or not user.active:
        return
    audit.record(user, "password.reset_requested", user.email)
    token = tokens.issue(user, TokenPurpose.PASSWORD_RESET)
    _send(
        user,
        _("Choose a new password for the Nordlicht staff area"),
        "portal/email/password_reset.txt",
        link=absolute_url("auth.reset_password", token=token),
        minutes=int(current_app.config["PASSWORD_RESET_MINUTES"]),
    )


def reset_password(token: str, password: str) -> User | None:
    """Set a new password from a reset link and end every session of the account."""
    user = tokens.redeem(token, TokenPurpose.PASSWORD_RESET)
    if user is None:
        return None
    user.set_password(password)
    sessions.end_all(user)
    tokens.forget(user)
    audit.record(user, "password.reset", user.email)
    return user


def change_own_password(user: User, password: str) -> None:
    """Set ``user``'s new password; every other session of theirs ends (renew the own one)."""
    user.set_password(password)
    sessions.end_all(user)
    tokens.forget(user)
    audit.record(user, "password.changed", user.email)


def sign_out_everywhere(user: User) -> None:
    sessions.end_all(user)
    audit.record(user, "sessions.ended", user.email)


def _role_name(role: Role) -> str:
    names = {
        Role.EDITOR: _("Editor"),
        Role.DISPATCHER: _("Dispatcher"),
        Role.ADMIN: _("Administrator"),
    }
    return str(names[role])


def update(admin: User, user: User, name: str, role: Role, active: bool, password: str) -> None:
    """An administrator's changes to an account. A new password or a deactivation ends every
    session of the account. The caller commits."""
    changes = []
    if name.strip() != user.name:
        changes.append(_("Name: %(old)s → %(new)s", old=user.name, new=name.strip()))
        user.name = name.strip()
    if role is not user.role:
        changes.append(
            _("Role: %(old)s → %(new)s", old=_role_name(user.role), new=_role_name(role))
        )
        user.role = role
    if changes:
        audit.record(admin, "account.changed", user.email, "; ".join(changes))
    if active != user.active:
        user.active = active
        sessions.end_all(user)
        audit.record(admin, "account.reactivated" if active else "account.deactivated", user.email)
    if password:
        user.set_password(password)
        sessions.end_all(user)
        tokens.forget(user)
        audit.record(admin, "password.changed", user.email, _("by an administrator"))


def enable_two_factor(user: User, secret: str, step: int) -> list[str]:
    """Switch two-factor sign-in on; other sessions end. Returns the recovery codes."""
    codes = two_factor.enable(user, secret, step)
    sessions.end_all(user)
    audit.record(user, "two_factor.enabled", user.email)
    return codes


def disable_two_factor(actor: User, user: User) -> None:
    """Switch two-factor sign-in off, by its owner or an administrator; sessions end."""
    two_factor.disable(user)
    sessions.end_all(user)
    detail = "" if actor.id == user.id else _("by an administrator")
    audit.record(actor, "two_factor.disabled", user.email, detail)


def second_factor(user: User, code: str) -> bool:
    """Whether ``code`` (from the app, or a recovery code) completes ``user``'s sign-in."""
    if two_factor.accept_code(user, code):
        return True
    if two_factor.use_recovery_code(user, code):
        left = two_factor.remaining_recovery_codes(user)
        audit.record(
            user,
            "two_factor.recovery_code_used",
            user.email,
            _("Recovery codes left: %(n)s", n=left),
        )
        return True
    return False
