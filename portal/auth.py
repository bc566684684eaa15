"""Staff sign-in, sign-out, and the role check every staff view uses."""

from functools import cache, wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db, limiter, login_manager
from portal.forms import LoginForm
from portal.i18n import safe_next
from portal.models import Role, User, user_by_email, utcnow

bp = Blueprint("auth", __name__, url_prefix="/staff")


def role_required(*roles: Role):
    """Send anonymous visitors to the login page and answer other roles with 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def authenticate(email: str, password: str) -> User | None:
    """Return the active account matching both, or None, without telling which part was wrong."""
    user = user_by_email(email)
    if user is None:
        check_password_hash(_timing_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


@cache
def _timing_hash() -> str:
    """A hash to check against for unknown e-mails, so both failures take the same time."""
    return generate_password_hash("timing-equaliser", method="scrypt")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_email_key() -> str:
    return "login:" + request.form.get("email", "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_email_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("E-mail or password is wrong."), "error")
        else:
            user.last_login_at = utcnow()
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("auth.home")))
    return render_template("portal/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
@role_required(Role.EDITOR, Role.DISPATCHER)
def home():
    return render_template("portal/staff_home.html")
