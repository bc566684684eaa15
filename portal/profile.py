"""A staff member's own account: password, two-factor sign-in, signing out everywhere."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal import sessions, staff_accounts, two_factor
from portal.auth import needs_two_factor_setup, role_required
from portal.extensions import db, limiter
from portal.forms import ChangePasswordForm, ConfirmForm, TwoFactorOffForm, TwoFactorSetupForm
from portal.models import Role

bp = Blueprint("profile", __name__, url_prefix="/staff/account")

ANY_STAFF = (Role.EDITOR, Role.DISPATCHER)
# What an administrator who must set up two-factor sign-in may still open.
OPEN_BEFORE_SETUP = {"profile.two_factor", "auth.logout", "static", "i18n.switch"}


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _code_limit() -> str:
    return current_app.config["TWO_FACTOR_RATE_LIMIT"]


def _private(html: str):
    """A page showing a secret: no cache may keep it."""
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.before_app_request
def _two_factor_first():
    if not request.path.startswith("/staff/") or request.endpoint in OPEN_BEFORE_SETUP:
        return None
    if current_user.is_authenticated and needs_two_factor_setup(current_user):
        flash(_("Administrators must switch on two-factor sign-in first."), "info")
        return redirect(url_for("profile.two_factor"))
    return None


def _account_page(off_form=None):
    return render_template(
        "portal/account.html",
        confirm_form=ConfirmForm(),
        off_form=off_form or TwoFactorOffForm(formdata=None),
        codes_left=two_factor.remaining_recovery_codes(current_user),
    )


@bp.get("/")
@role_required(*ANY_STAFF)
def index():
    return _account_page()


@bp.route("/password", methods=["GET", "POST"])
@role_required(*ANY_STAFF)
@limiter.limit(_login_limit, methods=["POST"])
def password():
    user = current_user._get_current_object()
    form = ChangePasswordForm(account_email=user.email)
    if form.validate_on_submit():
        if not user.check_password(form.current_password.data):
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            staff_accounts.change_own_password(user, form.password.data)
            db.session.commit()
            sessions.renew(user)
            flash(_("Password changed. You are signed out on every other device."), "success")
            return redirect(url_for("profile.index"))
    return render_template("portal/change_password.html", form=form)


@bp.post("/sign-out-everywhere")
@role_required(*ANY_STAFF)
def sign_out_everywhere():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    staff_accounts.sign_out_everywhere(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/two-factor", methods=["GET", "POST"], endpoint="two_factor")
@role_required(*ANY_STAFF)
@limiter.limit(_code_limit, methods=["POST"])
def two_factor_setup():
    user = current_user._get_current_object()
    if user.two_factor_enabled:
        return redirect(url_for("profile.index"))
    secret = user.totp_pending_secret
    if not secret:
        secret = user.totp_pending_secret = two_factor.new_secret()
        db.session.commit()
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        step = two_factor.matching_step(secret, form.code.data)
        if step is None:
            form.code.errors.append(_("This code is not valid. Please try again."))
        else:
            codes = staff_accounts.enable_two_factor(user, secret, step)
            db.session.commit()
            sessions.renew(user)
            return _private(render_template("portal/recovery_codes.html", codes=codes))
    uri = two_factor.provisioning_uri(secret, user.email)
    return _private(
        render_template(
            "portal/two_factor_setup.html",
            form=form,
            qr=two_factor.qr_svg(uri, _("QR code for your authenticator app")),
            secret=two_factor.grouped(secret),
        )
    )


@bp.post("/two-factor/off")
@role_required(*ANY_STAFF)
@limiter.limit(_login_limit)
def two_factor_off():
    user = current_user._get_current_object()
    form = TwoFactorOffForm()
    if form.validate_on_submit():
        if not user.check_password(form.password.data):
            form.password.errors.append(_("The password is wrong."))
        elif current_app.config["ADMIN_2FA_REQUIRED"] and user.role is Role.ADMIN:
            form.password.errors.append(_("Administrators must keep two-factor sign-in on."))
        else:
            staff_accounts.disable_two_factor(user, user)
            db.session.commit()
            sessions.renew(user)
            flash(_("Two-factor sign-in is off."), "success")
            return redirect(url_for("profile.index"))
    return _account_page(off_form=form)
