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
