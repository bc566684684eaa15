"""The customer's callback form and the dispatcher's "Erledigt" form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Email, Length, Optional

from booking.callbacks import requests
from booking.callbacks.models import PartOfDay

NOTE_MAX = 500


def part_of_day_labels() -> dict[str, str]:
    return {
        PartOfDay.MORNING.value: _l("In the morning"),
        PartOfDay.AFTERNOON.value: _l("In the afternoon"),
        PartOfDay.ANY.value: _l("Any time"),
    }


class CallbackForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Please enter your name.")), Length(max=120)],
        render_kw={"autocomplete": "name", "maxlength": 120},
    )
    phone = StringField(
        _l("Phone"),
        validators=[DataRequired(_l("Please enter a phone number.")), Length(max=40)],
        description=_l("The number we should call."),
        render_kw={"autocomplete": "tel", "type": "tel", "maxlength": 40},
    )
    topic = TextAreaField(
        _l("What is it about?"),
        validators=[
            DataRequired(_l("Please tell us briefly what it is about.")),
            Length(max=requests.TOPIC_MAX),
        ],
        description=_l("For example the device and what is wrong with it."),
        render_kw={"rows": 4, "maxlength": requests.TOPIC_MAX},
    )
    preferred_time = SelectField(
        _l("When should we call?"),
        choices=lambda: list(part_of_day_labels().items()),
        default=PartOfDay.ANY.value,
        validate_choice=True,
    )
    email = StringField(
        _l("E-mail (optional)"),
        validators=[
            Optional(),
            Email(_l("Please enter a valid e-mail address.")),
            Length(max=254),
        ],
        description=_l("Only if we may also answer you by e-mail."),
        render_kw={"autocomplete": "email", "type": "email", "maxlength": 254},
    )
    website = StringField(
        _l("Leave this field empty"),
        render_kw={"autocomplete": "off", "tabindex": "-1"},
    )

    def validate_phone(self, field) -> None:
        if requests.e164(field.data or "") is None:
            raise ValidationError(_l("Please enter a valid phone number, e.g. 040 1234567."))


class CloseForm(FlaskForm):
    note = StringField(
        _l("Note (optional)"),
        validators=[Length(max=NOTE_MAX)],
        render_kw={"maxlength": NOTE_MAX},
    )
