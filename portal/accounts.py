"""Admins manage staff accounts in the web UI: invite, change, deactivate."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import sessions, staff_accounts
from portal.auth import role_required
from portal.extensions import db
from portal.forms import ConfirmForm, UserEditForm, UserInviteForm
from portal.models import Role, User

bp = Blueprint("accounts", __name__, url_prefix="/staff/users")


def _user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.get("/")
@role_required(Role.ADMIN)
def index():
    users = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("portal/users.html", users=users)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create():
    form = UserInviteForm()
    if form.validate_on_submit():
        user, sent = staff_accounts.invite(
            current_user._get_current_object(),
            form.email.data,
            form.name.data,
            Role(form.role.data),
        )
        db.session.commit()
        if sent:
            flash(
                _("Account created. The invitation is on its way to %(email)s.", email=user.email),
                "success",
            )
        else:
            flash(
                _("Account created, but the invitation could not be sent. Try again later."),
                "error",
            )
        return redirect(url_for("accounts.index"))
    return render_template("portal/user_form.html", form=form, user=None)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(user_id: int):
    user = _user(user_id)
    form = UserEditForm(obj=user, account_email=user.email)
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != Role.ADMIN or not form.active.data):
            form.role.errors.append(_("You cannot remove your own administrator rights."))
        else:
            staff_accounts.update(
                current_user._get_current_object(),
                user,
                form.name.data,
                Role(form.role.data),
                form.active.data,
                form.password.data or "",
            )
            db.session.commit()
            if user.id == current_user.id and form.password.data:
                sessions.renew(user)
            flash(_("Account saved."), "success")
            return redirect(url_for("accounts.index"))
    return render_template(
        "portal/user_form.html", form=form, user=user, confirm_form=ConfirmForm()
    )


@bp.post("/<int:user_id>/invitation")
@role_required(Role.ADMIN)
def resend_invitation(user_id: int):
    user = _user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not user.invitation_pending:
        flash(_("This account has a password already."), "error")
    elif staff_accounts.resend_invitation(current_user._get_current_object(), user):
        db.session.commit()
        flash(_("A new invitation is on its way to %(email)s.", email=user.email), "success")
    else:
        db.session.rollback()
        flash(_("The invitation could not be sent. Try again later."), "error")
    return redirect(url_for("accounts.edit", user_id=user.id))


@bp.post("/<int:user_id>/two-factor/off")
@role_required(Role.ADMIN)
def reset_two_factor(user_id: int):
    """For someone who lost both their authenticator and their recovery codes."""
    user = _user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.two_factor_enabled:
        staff_accounts.disable_two_factor(current_user._get_current_object(), user)
        db.session.commit()
        if user.id == current_user.id:
            sessions.renew(user)
        flash(_("Two-factor sign-in is off for %(name)s.", name=user.name), "success")
    return redirect(url_for("accounts.edit", user_id=user.id))
