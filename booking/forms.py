"""The customer's booking form: four steps in one form, so every step carries what was typed
before and a failed step or a lost window loses nothing."""

from datetime import date

import phonenumbers
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from booking.scheduling import DESCRIBED

PROBLEM_MAX = 2000
MAX_PHOTOS = 3
STEPS = {
    1: ("service", "postcode"),
    2: ("device_type", "brand", "model", "serial_number", "purchase_date", "problem"),
    3: ("slot",),
    4: ("name", "email", "phone", "street", "city", "consent", "photos"),
}
SLOT = r"^\d{4}-\d{2}-\d{2}/\d{1,2}$"


def described(form: FlaskForm) -> tuple[str, ...]:
    """What a booking form (the customer's or the phone booking) describes, for triage."""
    return tuple(form[name].data or "" for name in DESCRIBED if name in form)


def parse_slot(value: str) -> tuple[date, int] | None:
    """``"2027-03-29/0"`` (day and first window) as a pair, or None when malformed."""
    try:
        day, window = value.split("/")
        return date.fromisoformat(day), int(window)
    except (ValueError, AttributeError):
        return None


class BookingForm(FlaskForm):
    step = HiddenField(default="1")
    service = SelectField(_l("What do you need?"), coerce=int, validate_choice=True)
    postcode = StringField(
        _l("Postcode of the visit"),
        validators=[
            DataRequired(_l("Please enter the postcode.")),
            Regexp(r"^\d{5}$", message=_l("Please enter a postcode of five digits.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": 5},
    )
    device_type = StringField(
        _l("Device"),
        validators=[DataRequired(_l("Please tell us which device it is.")), Length(max=80)],
        description=_l("For example washing machine, gas boiler, heat pump."),
    )
    brand = StringField(_l("Brand"), validators=[Length(max=80)])
    model = StringField(_l("Model"), validators=[Length(max=80)])
    serial_number = StringField(
        _l("Serial number (optional)"),
        validators=[Length(max=80)],
        description=_l("On the rating plate, often behind the door or the front cover."),
    )
    purchase_date = DateField(_l("Purchase date (optional)"), validators=[Optional()])
    problem = TextAreaField(
        _l("What is wrong?"),
        validators=[Length(max=PROBLEM_MAX)],
        description=_l("What happens, since when, which error code the display shows."),
        render_kw={"rows": 5, "maxlength": PROBLEM_MAX},
    )
    slot = StringField(
        _l("Arrival window"),
        validators=[
            DataRequired(_l("Please choose an arrival window.")),
            Regexp(SLOT, message=_l("Please choose an arrival window.")),
        ],
    )
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Please enter your name.")), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    email = StringField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Email(_l("Please enter a valid e-mail address.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email", "type": "email"},
    )
    phone = StringField(
        _l("Phone"),
        validators=[DataRequired(_l("Please enter a phone number.")), Length(max=40)],
        description=_l("So the technician can call you before arriving."),
        render_kw={"autocomplete": "tel", "type": "tel"},
    )
    street = StringField(
        _l("Street and number"),
        validators=[DataRequired(_l("Please enter the street.")), Length(max=160)],
        render_kw={"autocomplete": "address-line1"},
    )
    city = StringField(
        _l("City"),
        validators=[DataRequired(_l("Please enter the city.")), Length(max=80)],
        render_kw={"autocomplete": "address-level2"},
    )
    consent = BooleanField(
        _l("I agree that my data is used to plan and carry out this appointment."),
        validators=[DataRequired(_l("Please agree to the privacy notice."))],
    )
    photos = MultipleFileField(
        _l("Photos of the fault or the rating plate (optional)"),
        description=_l("Up to 3 JPEG or PNG images; location and camera data are removed."),
        render_kw={"accept": "image/jpeg,image/png"},
    )
    website = StringField(
        _l("Leave this field empty"),
        render_kw={"autocomplete": "off", "tabindex": "-1"},
    )

    def validate_purchase_date(self, field) -> None:
        if field.data and field.data > date.today():
            raise ValidationError(_l("The purchase date cannot be in the future."))

    def validate_phone(self, field) -> None:
        try:
            number = phonenumbers.parse(field.data or "", "DE")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(_l("Please enter a valid phone number, e.g. 040 1234567."))

    def validate_photos(self, field) -> None:
        chosen = [upload for upload in field.data or [] if upload and upload.filename]
        if len(chosen) > MAX_PHOTOS:
            raise ValidationError(_l("Please choose at most 3 photos."))

    def validate_through(self, last_step: int) -> bool:
        """Validate the fields of steps 1 to ``last_step`` only."""
        valid = True
        for number in range(1, last_step + 1):
            for name in STEPS[number]:
                inline = getattr(type(self), f"validate_{name}", None)
                valid = self[name].validate(self, [inline] if inline else []) and valid
        return valid

    def chosen_slot(self) -> tuple[date, int] | None:
        return parse_slot(self.slot.data or "")

    def uploads(self):
        return [upload for upload in self.photos.data or [] if upload and upload.filename]
