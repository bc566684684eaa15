"""Staff sign-in (with the second step for two-factor accounts), sign-out, the links that set
a password, and the role check every staff view uses."""

import hashlib
import hmac
from functools import cache, partial, wraps

from flask import (
    Blueprint,
    abort,
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from portal import known_devices, sessions, staff_accounts, tokens
from portal.extensions import db, limiter, login_manager
from portal.forms import (
    AcceptInvitationForm,
    ForgotPasswordForm,
    LoginCodeForm,
    LoginForm,
    ResetPasswordForm,
    record_id,
)
from portal.i18n import safe_next
from portal.models import Role, TokenPurpose, User, user_by_email, utcnow

bp = Blueprint("auth", __name__, url_prefix="/staff")

# A password accepted for a two-factor account waits this long for its code.
PENDING = "_pending_sign_in"
PENDING_SECONDS = 300


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
    if user is None or user.invitation_pending:
        check_password_hash(_timing_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


@cache
def _timing_hash(method: str) -> str:
    """A hash to check against for unknown e-mails, so both failures take the same time."""
    return generate_password_hash("timing-equaliser", method=method)


def needs_two_factor_setup(user: User) -> bool:
    """Whether ``user`` must switch two-factor sign-in on before using the staff area."""
    return (
        current_app.config["ADMIN_2FA_REQUIRED"]
        and user.role is Role.ADMIN
        and not user.two_factor_enabled
    )


def _landing(user: User, target: str | None) -> str:
    if needs_two_factor_setup(user):
        return url_for("profile.two_factor")
    return safe_next(target, url_for("auth.home"))


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_email_key() -> str:
    return "login:" + request.form.get("email", "").strip().lower()


def _known_device() -> bool:
    """A browser that signed in to this account before is not counted per account."""
    return known_devices.known(request.form.get("email", ""))


def _code_limit() -> str:
    return current_app.config["TWO_FACTOR_RATE_LIMIT"]


def _code_account_key() -> str:
    pending = session.get(PENDING)
    account = pending.get("user", "") if isinstance(pending, dict) else ""
    return "2fa:" + str(account).partition(":")[0]


def _reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def _reset_email_key() -> str:
    return "reset:" + request.form.get("email", "").strip().lower()


def _finish_sign_in(user: User, remember: bool) -> None:
    user.last_login_at = utcnow()
    db.session.commit()
    sessions.sign_in(user, remember=remember)
    after_this_request(lambda response: known_devices.remember(response, user.email))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_email_key, exempt_when=_known_device)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("E-mail or password is wrong."), "error")
        elif user.two_factor_enabled:
            session[PENDING] = {
                "user": f"{user.id}:{_fingerprint(user)}",
                "remember": bool(form.remember.data),
                "next": request.args.get("next") or "",
                "at": int(sessions.now()),
            }
            return render_template("portal/login_code.html", form=LoginCodeForm(formdata=None))
        else:
            _finish_sign_in(user, form.remember.data)
            return redirect(_landing(user, request.args.get("next")))
    return render_template("portal/login.html", form=form)


def _fingerprint(user: User) -> str:
    """Names the account's current session token without showing it to the password step:
    a password changed meanwhile, or "sign out everywhere", ends the waiting sign-in too."""
    return hashlib.sha256(user.session_token.encode()).hexdigest()[:32]


def _pending_user() -> User | None:
    """The account whose password was right a moment ago and whose code is awaited."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), int):
        return None
    if sessions.now() - pending["at"] > PENDING_SECONDS:
        return None
    user_id, _, token = str(pending.get("user", "")).partition(":")
    number = record_id(user_id)
    user = db.session.get(User, number) if number is not None else None
    if user is None or not user.active or not hmac.compare_digest(_fingerprint(user), token):
        return None
    return user


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_code_limit, methods=["POST"])
@limiter.limit(_code_limit, methods=["POST"], key_func=_code_account_key)
def login_code():
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        return render_template("portal/login_code.html", form=None)
    form = LoginCodeForm()
    if form.validate_on_submit():
        if staff_accounts.second_factor(user, form.code.data):
            pending = session.pop(PENDING)
            _finish_sign_in(user, bool(pending.get("remember")))
            return redirect(_landing(user, pending.get("next")))
        db.session.rollback()
        form.code.errors.append(_("This code is not valid. Please try again."))
    return render_template("portal/login_code.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    sessions.end_all(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
@role_required(Role.EDITOR, Role.DISPATCHER)
def home():
    return render_template("portal/staff_home.html")


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_limit, methods=["POST"], key_func=_reset_email_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        minutes = int(current_app.config["PASSWORD_RESET_MINUTES"])
        flash(
            _(
                "If a staff account has this address, we have sent it a link to choose a new "
                "password. The link works once, for %(minutes)s minutes.",
                minutes=minutes,
            ),
            "info",
        )
        response = redirect(url_for("auth.login"))
        # Whether the address is known decides only what happens after the answer has gone
        # out, so that known and unknown addresses take the same time to answer.
        response.call_on_close(
            partial(
                _request_reset,
                current_app._get_current_object(),
                form.email.data,
                get_locale(),
            )
        )
        return response
    return render_template("portal/forgot_password.html", form=form)


def _request_reset(app, email: str, locale) -> None:
    with app.app_context(), force_locale(str(locale)):
        try:
            staff_accounts.request_password_reset(email)
            db.session.commit()
        except Exception:
            db.session.rollback()
            app.logger.exception("could not handle a password reset request")
        finally:
            db.session.remove()


def _link_page(kind: str, form, user: User | None):
    status = 200 if user is not None else 404
    return render_template("portal/set_password.html", form=form, kind=kind, user=user), status


def _set_password_by_link(kind: str, token: str, user: User | None, form, redeem, done: str):
    """Set the password an e-mailed link allows; the link is used up only on success."""
    if user is not None and form.validate_on_submit():
        if redeem(token, form.password.data) is None:
            db.session.rollback()
            return _link_page(kind, form, None)
        db.session.commit()
        flash(done, "success")
        return redirect(url_for("auth.login"))
    return _link_page(kind, form, user)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):
    user = tokens.holder(token, TokenPurpose.PASSWORD_RESET)
    form = ResetPasswordForm(account_email=user.email if user else "")
    done = _("Your new password is set. Please sign in with it.")
    return _set_password_by_link("reset", token, user, form, staff_accounts.reset_password, done)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def accept_invitation(token: str):
    user = tokens.holder(token, TokenPurpose.INVITATION)
    if user is not None and not user.invitation_pending:
        user = None
    form = AcceptInvitationForm(account_email=user.email if user else "")
    done = _("Your password is set. Please sign in with it.")
    return _set_password_by_link(
        "invitation", token, user, form, staff_accounts.accept_invitation, done
    )
