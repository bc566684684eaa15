"""Forms of the portal core: signing in, staff accounts and their passwords, two-factor."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from portal import passwords
from portal.models import Role, user_by_email


def role_choices():
    return [
        (Role.EDITOR.value, _l("Editor")),
        (Role.DISPATCHER.value, _l("Dispatcher")),
        (Role.ADMIN.value, _l("Administrator")),
    ]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Stay signed in"))


def _password_field(label) -> PasswordField:
    return PasswordField(label, validators=[DataRequired()], description=passwords.rule())


def _repeat_field() -> PasswordField:
    return PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", _l("The two passwords differ."))],
    )


class _NewPasswordForm(FlaskForm):
    """A new password for the account with ``account_email``, checked against the one rule."""

    def __init__(self, *args, account_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email

    def validate_password(self, field):
        problem = passwords.problem(field.data or "", self.account_email)
        if problem:
            raise ValidationError(problem)


class UserInviteForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        description=_l("The invitation goes to this address; its owner chooses the password."),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=role_choices)

    def validate_email(self, field):
        if user_by_email(field.data):
            raise ValidationError(_l("An account with this e-mail address already exists."))


class UserEditForm(_NewPasswordForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=role_choices)
    active = BooleanField(_l("Account active"))
    password = PasswordField(
        _l("New password (leave empty to keep)"),
        validators=[Optional()],
        description=passwords.rule(),
    )


class ChangePasswordForm(_NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=passwords.MAX_LENGTH)]
    )
    password = _password_field(_l("New password"))
    confirm = _repeat_field()


class ResetPasswordForm(_NewPasswordForm):
    password = _password_field(_l("New password"))
    confirm = _repeat_field()


class AcceptInvitationForm(_NewPasswordForm):
    password = _password_field(_l("Choose a password"))
    confirm = _repeat_field()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class LoginCodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l(
            "The six-digit code your authenticator app shows now, or one of your recovery codes."
        ),
    )


class TwoFactorSetupForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("The six-digit code the app shows after adding the account."),
    )


class TwoFactorOffForm(FlaskForm):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(), Length(max=passwords.MAX_LENGTH)]
    )


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token guards buttons that change state."""


ID_MAX = 2**31 - 1


def whole_number(raw: str | None) -> int | None:
    """A non-negative whole number written in ASCII digits, or None: ``str.isdigit`` alone also
    accepts "⁰⁴⁵", which ``int`` refuses."""
    return int(raw) if raw and raw.isascii() and raw.isdigit() else None


def record_id(raw: str | None) -> int | None:
    """A number that can be a row's id: larger ones would overflow the database's integers."""
    number = whole_number(raw)
    return number if number is not None and number <= ID_MAX else None
