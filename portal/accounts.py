"""Admins manage staff accounts in the web UI."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.auth import role_required
from portal.extensions import db
from portal.forms import UserCreateForm, UserEditForm
from portal.models import Role, User, create_user

bp = Blueprint("accounts", __name__, url_prefix="/staff/users")


@bp.get("/")
@role_required(Role.ADMIN)
def index():
    users = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("portal/users.html", users=users)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create():
    form = UserCreateForm()
    if form.validate_on_submit():
        create_user(form.email.data, form.name.data, Role(form.role.data), form.password.data)
        db.session.commit()
        flash(_("Account created."), "success")
        return redirect(url_for("accounts.index"))
    return render_template("portal/user_form.html", form=form, user=None)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != Role.ADMIN or not form.active.data):
            form.role.errors.append(_("You cannot remove your own administrator rights."))
        else:
            user.name = form.name.data.strip()
            user.role = Role(form.role.data)
            user.active = form.active.data
            if form.password.data:
                user.set_password(form.password.data)
            db.session.commit()
            flash(_("Account saved."), "success")
            return redirect(url_for("accounts.index"))
    return render_template("portal/user_form.html", form=form, user=user)
