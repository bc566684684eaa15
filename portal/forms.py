"""Forms of the portal core: signing in and managing staff accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from portal.models import Role, user_by_email

MIN_PASSWORD_LENGTH = 12


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


class UserCreateForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=role_choices)
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)]
    )

    def validate_email(self, field):
        if user_by_email(field.data):
            raise ValidationError(_l("An account with this e-mail address already exists."))


class UserEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=role_choices)
    active = BooleanField(_l("Account active"))
    password = PasswordField(
        _l("New password (leave empty to keep)"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=1024)],
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
