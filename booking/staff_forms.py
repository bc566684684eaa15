"""Forms of the dispatcher's pages: status and technician changes, phone bookings, and the
settings behind the booking (technicians, their hours and absences, service types)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    ValidationError,
    widgets,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from booking import agenda
from booking.models import AbsenceKind, ServiceKind, ServiceType, Status
from booking.scheduling import Customer
from portal.extensions import db

PROBLEM_MAX = 2000
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def status_labels() -> dict[str, str]:
    return {
        Status.REQUESTED.value: _l("Requested"),
        Status.CONFIRMED.value: _l("Confirmed"),
        Status.DONE.value: _l("Done"),
        Status.NO_SHOW.value: _l("No-show"),
        Status.CANCELLED.value: _l("Cancelled"),
    }


def absence_labels() -> dict[str, str]:
    return {
        AbsenceKind.VACATION.value: _l("Vacation"),
        AbsenceKind.SICK.value: _l("Sick"),
        AbsenceKind.BLOCKED.value: _l("Blocked"),
    }


def service_kind_labels() -> dict[str, str]:
    return {
        ServiceKind.REPAIR.value: _l("Repair"),
        ServiceKind.MAINTENANCE.value: _l("Maintenance"),
    }


def weekday_labels() -> tuple[str, ...]:
    return (
        _l("Monday"),
        _l("Tuesday"),
        _l("Wednesday"),
        _l("Thursday"),
        _l("Friday"),
        _l("Saturday"),
        _l("Sunday"),
    )


def _choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class ToggleActiveForm(FlaskForm):
    """The activate/deactivate button of a list row; it names the state wanted, so sending it
    twice does not flip it back."""

    item_id = IntegerField(validators=[InputRequired()], widget=widgets.HiddenInput())
    active = HiddenField(validators=[AnyOf(["0", "1"])])


class NetworkCancelForm(FlaskForm):
    """Cancel today's open online bookings of one client network, named by its key."""

    network = HiddenField(validators=[Regexp(r"^[0-9a-f]{32}$")])


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=lambda: _choices(status_labels()))
    note = StringField(
        _l("Note (optional)"),
        validators=[Length(max=200)],
        description=_l("Shown in the history."),
    )


class ReassignForm(FlaskForm):
    """The choices, other technicians who do the service, are set by the view."""

    technician = SelectField(
        _l("Technician"),
        coerce=int,
        invalid_choice_message=_l("Choose one of the listed technicians."),
    )


SEARCH_FIELDS = ("service", "postcode", "day")


class PhoneBookingForm(FlaskForm):
    """A booking taken on the phone: service, postcode and day find the free windows, the rest
    books one. The view sets the choices of ``service`` and ``window``.

    The window is not checked against its choices: one taken since the list was shown must reach
    ``scheduling.book``, whose refusal tells the dispatcher what happened.
    """

    service = SelectField(
        _l("Service"),
        coerce=int,
        invalid_choice_message=_l("Choose one of the listed services."),
    )
    postcode = StringField(
        _l("Postcode of the visit"),
        validators=[
            DataRequired(_l("Enter the postcode.")),
            Regexp(r"^\d{5}$", message=_l("A postcode has five digits.")),
        ],
        render_kw={"inputmode": "numeric", "maxlength": 5},
    )
    day = DateField(_l("Day"), validators=[DataRequired(_l("Enter a valid date."))])
    window = SelectField(
        _l("Arrival window"),
        coerce=int,
        validate_choice=False,
        validators=[InputRequired(_l("Choose an arrival window."))],
        invalid_value_message=_l("Choose an arrival window."),
    )
    name = StringField(
        _l("Customer name"), validators=[DataRequired(_l("Enter the name.")), Length(max=120)]
    )
    phone = StringField(
        _l("Phone"), validators=[DataRequired(_l("Enter a phone number.")), Length(max=40)]
    )
    email = StringField(
        _l("E-mail (optional)"),
        validators=[
            Optional(),
            Email(_l("Enter a valid e-mail address."), check_deliverability=False),
            Length(max=254),
        ],
        description=_l("Without one the customer gets no confirmation by e-mail."),
        render_kw={"type": "email"},
    )
    street = StringField(
        _l("Street and number"),
        validators=[DataRequired(_l("Enter the street.")), Length(max=160)],
    )
    city = StringField(_l("City"), validators=[DataRequired(_l("Enter the city.")), Length(max=80)])
    device_type = StringField(_l("Device"), validators=[Length(max=80)])
    brand = StringField(_l("Brand"), validators=[Length(max=80)])
    model = StringField(_l("Model"), validators=[Length(max=80)])
    problem = TextAreaField(
        _l("Problem"),
        validators=[Length(max=PROBLEM_MAX)],
        render_kw={"rows": 4, "maxlength": PROBLEM_MAX},
    )

    def validate_problem(self, field) -> None:
        service = db.session.get(ServiceType, self.service.data) if self.service.data else None
        if service is not None and service.needs_description and not (field.data or "").strip():
            raise ValidationError(_l("This service needs a description of the problem."))

    def validate_search(self) -> bool:
        """Check only what finding free windows needs, so the list shows before the rest is
        typed; the other fields keep what was sent, unchecked."""
        results = [self.csrf_token.validate(self)] if hasattr(self, "csrf_token") else []
        results += [self[name].validate(self) for name in SEARCH_FIELDS]
        return all(results)

    def customer(self) -> Customer:
        def text(name: str) -> str:
            return (self[name].data or "").strip()

        return Customer(
            name=text("name"),
            email=text("email"),
            phone=text("phone"),
            street=text("street"),
            postcode=text("postcode"),
            city=text("city"),
            device_type=text("device_type"),
            brand=text("brand"),
            model=text("model"),
            problem=text("problem"),
        )


def _hours_message(error: agenda.HoursError) -> str:
    """Plain strings, escaped where shown: a lazy string with the typed text in it would pass
    as markup."""
    messages = {
        "format": _('"%(part)s" is not a time range like 08:00-12:00.', part=error.part),
        "order": _('"%(part)s" ends before it starts.', part=error.part),
        "overlap": _('"%(part)s" overlaps another time range of the day.', part=error.part),
    }
    return messages[error.code]


def _check_hours(form, field) -> None:
    try:
        agenda.parse_hours(field.data or "")
    except agenda.HoursError as error:
        raise ValidationError(_hours_message(error)) from error


def _hours_field(label: str) -> StringField:
    return StringField(label, validators=[Length(max=200), _check_hours])


class TechnicianForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the name.")), Length(max=120)]
    )
    active = BooleanField(_l("Active (can be booked)"), default=True)
    prefixes = StringField(
        _l("Postcode areas"),
        validators=[Length(max=1000)],
        description=_l('Beginnings of the postcodes covered, separated by commas: "20, 21, 226".'),
    )
    services = SelectMultipleField(
        _l("Services"),
        coerce=int,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    monday = _hours_field(_l("Monday"))
    tuesday = _hours_field(_l("Tuesday"))
    wednesday = _hours_field(_l("Wednesday"))
    thursday = _hours_field(_l("Thursday"))
    friday = _hours_field(_l("Friday"))
    saturday = _hours_field(_l("Saturday"))
    sunday = _hours_field(_l("Sunday"))

    def validate_prefixes(self, field) -> None:
        try:
            agenda.parse_prefixes(field.data or "")
        except ValueError as error:
            raise ValidationError(
                _('"%(part)s" is not a postcode beginning of 1 to 5 digits.', part=str(error))
            ) from error

    def hours_fields(self) -> list:
        return [self[name] for name in WEEKDAYS]

    def data_for_saving(self) -> agenda.TechnicianData:
        return agenda.TechnicianData(
            name=self.name.data,
            active=self.active.data,
            prefixes=agenda.parse_prefixes(self.prefixes.data or ""),
            service_ids=list(self.services.data or []),
            hours={
                weekday: agenda.parse_hours(self[name].data or "")
                for weekday, name in enumerate(WEEKDAYS)
            },
        )


class AbsenceForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=lambda: _choices(absence_labels()))
    start_day = DateField(_l("From (day)"), validators=[DataRequired(_l("Enter a valid date."))])
    start_time = TimeField(
        _l("From (time)"),
        validators=[Optional()],
        description=_l("Empty: from the start of the day."),
    )
    end_day = DateField(_l("Until (day)"), validators=[DataRequired(_l("Enter a valid date."))])
    end_time = TimeField(
        _l("Until (time)"),
        validators=[Optional()],
        description=_l("Empty: until the end of the day."),
    )
    note = StringField(_l("Note (optional)"), validators=[Length(max=200)])

    def bounds(self):
        """Start and end as aware UTC, entered as Europe/Berlin wall-clock times."""
        return agenda.absence_bounds(
            self.start_day.data, self.start_time.data, self.end_day.data, self.end_time.data
        )

    def validate_end_day(self, field) -> None:
        if self.start_day.data is None or field.data is None:
            return
        starts_at, ends_at = self.bounds()
        if ends_at <= starts_at:
            raise ValidationError(_l("The end must be after the start."))


class ServiceTypeForm(FlaskForm):
    name_de = StringField(
        _l("Name in German"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)]
    )
    name_en = StringField(
        _l("Name in English"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)]
    )
    kind = SelectField(_l("Kind"), choices=lambda: _choices(service_kind_labels()))
    duration_minutes = IntegerField(
        _l("Duration (minutes)"),
        validators=[
            InputRequired(_l("Enter the duration.")),
            NumberRange(15, 600, _l("Between %(min)s and %(max)s minutes.")),
        ],
        render_kw={"min": 15, "max": 600},
    )
    buffer_before_minutes = IntegerField(
        _l("Travel buffer before (minutes)"),
        default=0,
        validators=[
            InputRequired(_l("Enter the buffer, 0 for none.")),
            NumberRange(0, 240, _l("Between %(min)s and %(max)s minutes.")),
        ],
        render_kw={"min": 0, "max": 240},
    )
    buffer_after_minutes = IntegerField(
        _l("Buffer after (minutes)"),
        default=0,
        validators=[
            InputRequired(_l("Enter the buffer, 0 for none.")),
            NumberRange(0, 240, _l("Between %(min)s and %(max)s minutes.")),
        ],
        render_kw={"min": 0, "max": 240},
    )
    needs_description = BooleanField(_l("Customers must describe the problem"), default=True)
    active = BooleanField(_l("Active (can be booked)"), default=True)

    def data_for_saving(self) -> agenda.ServiceData:
        return agenda.ServiceData(
            name_de=self.name_de.data,
            name_en=self.name_en.data,
            kind=ServiceKind(self.kind.data),
            duration_minutes=self.duration_minutes.data,
            buffer_before_minutes=self.buffer_before_minutes.data,
            buffer_after_minutes=self.buffer_after_minutes.data,
            needs_description=self.needs_description.data,
            active=self.active.data,
        )
