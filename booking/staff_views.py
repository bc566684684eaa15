"""What dispatchers use: the day and week agenda, one appointment with its history, phone
bookings, the CSV export, and the technicians, absences and service types behind the booking."""

from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from booking import agenda, notifications, scheduling
from booking.forms import described
from booking.models import AbsenceKind, Appointment, ServiceType, Status, Technician
from booking.staff_forms import (
    WEEKDAYS,
    AbsenceForm,
    NetworkCancelForm,
    PhoneBookingForm,
    ReassignForm,
    ServiceTypeForm,
    StatusForm,
    TechnicianForm,
    ToggleActiveForm,
    absence_labels,
    service_kind_labels,
    status_labels,
    weekday_labels,
)
from portal import safety
from portal.auth import role_required
from portal.extensions import db
from portal.forms import ConfirmForm, record_id
from portal.i18n import current_language
from portal.models import Role

bp = Blueprint("dispatch", __name__)


@bp.context_processor
def _labels() -> dict:
    return {
        "status_labels": status_labels(),
        "absence_labels": absence_labels(),
        "service_kind_labels": service_kind_labels(),
        "weekday_labels": weekday_labels(),
        "urgency_labels": safety.level_labels(),
        "reason_labels": safety.reason_labels(),
    }


def _appointment(appointment_id: int) -> Appointment:
    return db.session.get(Appointment, appointment_id) or abort(404)


def _technician(technician_id: int) -> Technician:
    return db.session.get(Technician, technician_id) or abort(404)


def _day_argument(name: str, default: date) -> date:
    """The date in ``?name=``; a malformed one falls back to ``default`` with a notice."""
    text = request.args.get(name)
    if text is None or text == "":
        return default
    day = agenda.parse_day(text)
    if day is None:
        flash(_('"%(text)s" is not a date; showing the default instead.', text=text[:20]), "error")
        return default
    return day


def _technician_argument() -> int | None:
    return request.args.get("techniker", type=record_id)


@bp.get("/staff/termine/")
@role_required(Role.DISPATCHER)
def day():
    chosen = _day_argument("tag", scheduling.local_today())
    technician_id = _technician_argument()
    return render_template(
        "booking/staff/day.html",
        agenda=agenda.day_agenda(chosen, technician_id),
        technicians=agenda.all_technicians(),
        technician_id=technician_id,
        today=scheduling.local_today(),
        one_day=timedelta(days=1),
    )


@bp.get("/staff/termine/woche")
@role_required(Role.DISPATCHER)
def week():
    chosen = _day_argument("ab", scheduling.local_today())
    technician_id = _technician_argument()
    return render_template(
        "booking/staff/week.html",
        agenda=agenda.week_agenda(chosen, technician_id),
        technicians=agenda.all_technicians(),
        technician_id=technician_id,
        today=scheduling.local_today(),
        one_week=timedelta(days=7),
    )


@bp.get("/staff/termine/online-heute")
@role_required(Role.DISPATCHER)
def online_today():
    """Today's online bookings by client network: a calendar filled from one network is seen
    and undone in one action."""
    return render_template(
        "booking/staff/online_today.html",
        groups=agenda.online_today_by_network(),
        limit=current_app.config["BOOKING_OPEN_PER_NETWORK_DAY"],
        form=NetworkCancelForm(formdata=None),
    )


@bp.post("/staff/termine/online-heute/stornieren")
@role_required(Role.DISPATCHER)
def cancel_network():
    form = NetworkCancelForm()
    if not form.validate_on_submit():
        abort(400)
    cancelled = agenda.cancel_from_network(form.network.data, current_user)
    for appointment in cancelled:
        if appointment.email:
            notifications.notify(appointment, "cancelled")
    flash(
        ngettext(
            "%(num)d appointment cancelled.", "%(num)d appointments cancelled.", len(cancelled)
        ),
        "success",
    )
    return redirect(url_for("dispatch.online_today"), 303)


@bp.get("/staff/termine/<int:appointment_id>")
@role_required(Role.DISPATCHER)
def detail(appointment_id: int):
    appointment = agenda.appointment_with_history(appointment_id) or abort(404)
    reassign_form = ReassignForm(formdata=None)
    reassign_form.technician.choices = [
        SelectChoice(str(technician.id), technician.name)
        for technician in agenda.reassign_candidates(appointment)
    ]
    return render_template(
        "booking/staff/detail.html",
        appointment=appointment,
        arrival=scheduling.arrival_window(appointment),
        photos=agenda.photo_list(appointment.id),
        status_form=StatusForm(formdata=None, status=appointment.status.value),
        reassign_form=reassign_form,
    )


@bp.get("/staff/termine/<int:appointment_id>/foto/<int:photo_id>")
@role_required(Role.DISPATCHER)
def photo(appointment_id: int, photo_id: int):
    found = agenda.photo_of(appointment_id, photo_id) or abort(404)
    return Response(
        found.data,
        mimetype=found.content_type,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Disposition": "inline",
        },
    )


@bp.post("/staff/termine/<int:appointment_id>/status")
@role_required(Role.DISPATCHER)
def change_status(appointment_id: int):
    appointment = _appointment(appointment_id)
    form = StatusForm()
    back = redirect(url_for("dispatch.detail", appointment_id=appointment.id))
    if not form.validate_on_submit():
        flash(_("Choose one of the listed statuses."), "error")
        return back
    status = Status(form.status.data)
    try:
        changed = agenda.change_status(appointment, status, current_user, form.note.data or "")
    except scheduling.CannotReopen:
        flash(
            _(
                "A cancelled appointment cannot be reopened: its window may be booked again "
                "already. Book a new appointment instead."
            ),
            "error",
        )
        return back
    if not changed:
        flash(_("The status was already %(status)s.", status=status_labels()[status]), "info")
        return back
    if status is Status.CANCELLED and appointment.email:
        notifications.notify(appointment, "cancelled")
    flash(_("Status changed to %(status)s.", status=status_labels()[status]), "success")
    return back


@bp.post("/staff/termine/<int:appointment_id>/techniker")
@role_required(Role.DISPATCHER)
def reassign(appointment_id: int):
    appointment = _appointment(appointment_id)
    back = redirect(url_for("dispatch.detail", appointment_id=appointment.id))
    form = ReassignForm()
    form.technician.choices = [
        SelectChoice(str(technician.id), technician.name)
        for technician in agenda.reassign_candidates(appointment)
    ]
    if not appointment.is_open:
        flash(_("Only open appointments can be given to another technician."), "error")
        return back
    if not form.validate_on_submit():
        flash(_("Choose one of the listed technicians."), "error")
        return back
    technician = _technician(form.technician.data)
    clash = agenda.clashing_appointment(appointment, technician)
    if clash is not None:
        flash(
            _(
                "%(name)s already has appointment %(reference)s then.",
                name=technician.name,
                reference=clash.reference,
            ),
            "error",
        )
        return back
    try:
        scheduling.reassign(appointment, technician, current_user)
    except scheduling.TechnicianBusy:
        flash(_("%(name)s already has another appointment then.", name=technician.name), "error")
        return back
    except scheduling.NoLongerOpen:
        flash(_("Only open appointments can be given to another technician."), "error")
        return back
    flash(_("The appointment now belongs to %(name)s.", name=technician.name), "success")
    if agenda.unavailable(technician, appointment):
        flash(_("Note: %(name)s is absent or not working then.", name=technician.name), "error")
    return back


def _service_choices() -> list[SelectChoice]:
    language = current_language()
    return [
        SelectChoice(str(service.id), service.name(language))
        for service in scheduling.active_services()
    ]


def _render_phone_booking(form: PhoneBookingForm, slots: list | None):
    form.window.choices = [
        SelectChoice(str(slot.window), f"{slot.start:%H:%M}–{slot.end:%H:%M}")
        for slot in slots or []
    ]
    language = current_language()
    guide = safety.guidance_for(scheduling.assess(described(form), language), language)
    return render_template("booking/staff/phone_booking.html", form=form, slots=slots, guide=guide)


def _windows(form: PhoneBookingForm) -> list | None:
    """The free windows for what the form names, or None with the reason on the form."""
    service = db.session.get(ServiceType, form.service.data)
    try:
        return agenda.free_windows(service, form.postcode.data, form.day.data)
    except scheduling.NotCovered:
        form.postcode.errors.append(_not_covered())
        return None


def _not_covered() -> str:
    return _("No technician covers this postcode for this service.")


@bp.route("/staff/termine/neu", methods=["GET", "POST"])
@role_required(Role.DISPATCHER)
def phone_booking():
    form = PhoneBookingForm()
    form.service.choices = _service_choices()
    if request.method == "GET":
        template = request.args.get("vorlage", type=record_id)
        if template is not None:
            form.process(data=agenda.customer_of(_appointment(template)))
        form.day.data = scheduling.local_today() + timedelta(days=1)
        return _render_phone_booking(form, None)
    if request.form.get("action") == "book" and form.validate():
        service = db.session.get(ServiceType, form.service.data)
        try:
            appointment = scheduling.book(
                service,
                form.customer(),
                form.day.data,
                form.window.data,
                language="de",
                source="phone",
                user=current_user,
            )
        except scheduling.WindowTaken:
            form.window.errors.append(
                _("This window was taken in the meantime. Choose another one.")
            )
        except scheduling.NotCovered:
            form.postcode.errors.append(_not_covered())
        else:
            if appointment.email:
                notifications.notify(appointment, "booked")
            flash(
                _("Appointment %(reference)s booked.", reference=appointment.reference), "success"
            )
            return redirect(url_for("dispatch.detail", appointment_id=appointment.id))
    elif not form.validate_search():
        return _render_phone_booking(form, None)
    return _render_phone_booking(form, _windows(form))


def _export_range() -> tuple[date, date] | str:
    """The days of ``?von=`` and ``?bis=`` (default: this week), or why they cannot be used."""
    monday = agenda.week_start(scheduling.local_today())
    texts = {name: request.args.get(name, "") for name in ("von", "bis")}
    first = agenda.parse_day(texts["von"]) if texts["von"] else monday
    if first is None:
        return _('"%(text)s" is not a date like 2025-03-31.', text=texts["von"][:20])
    last = agenda.parse_day(texts["bis"]) if texts["bis"] else first + timedelta(days=6)
    if last is None:
        return _('"%(text)s" is not a date like 2025-03-31.', text=texts["bis"][:20])
    if last < first:
        return _("The end of the range lies before its start.")
    if (last - first).days >= agenda.MAX_EXPORT_DAYS:
        return _("Export at most %(days)s days at once.", days=agenda.MAX_EXPORT_DAYS)
    return first, last


@bp.get("/staff/termine/export.csv")
@role_required(Role.DISPATCHER)
def export():
    chosen = _export_range()
    if isinstance(chosen, str):
        page = render_template(
            "errors/error.html", code=400, title=_("Bad request"), message=chosen
        )
        return page, 400
    first, last = chosen
    return Response(
        agenda.export_csv(first, last),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="termine-{first}-bis-{last}.csv"'},
    )


def _toggle(model: type[Technician] | type[ServiceType], endpoint: str):
    """Handle a list's activate/deactivate button, then show the list again."""
    form = ToggleActiveForm()
    if form.validate_on_submit():
        item = db.session.get(model, form.item_id.data) or abort(404)
        agenda.set_active(item, form.active.data == "1")
        flash(_("Activated.") if item.active else _("Deactivated."), "success")
    else:
        flash(_("The change could not be made. Please try again."), "error")
    return redirect(url_for(endpoint))


@bp.route("/staff/techniker/", methods=["GET", "POST"])
@role_required(Role.DISPATCHER)
def technicians():
    if request.method == "POST":
        return _toggle(Technician, "dispatch.technicians")
    technicians = agenda.all_technicians()
    return render_template(
        "booking/staff/technicians.html",
        technicians=technicians,
        hours={technician.id: agenda.weekly_hours(technician) for technician in technicians},
    )


def _technician_form(technician: Technician | None) -> TechnicianForm:
    form = TechnicianForm()
    form.services.choices = [
        SelectChoice(str(service.id), service.name_de) for service in agenda.all_services()
    ]
    if technician is not None and request.method == "GET":
        hours = agenda.weekly_hours(technician)
        form.process(
            data={
                "name": technician.name,
                "active": technician.active,
                "prefixes": ", ".join(technician.prefixes),
                "services": [service.id for service in technician.services],
                **{name: hours[weekday] for weekday, name in enumerate(WEEKDAYS)},
            }
        )
    return form


def _save_technician(form: TechnicianForm, technician: Technician | None):
    if not form.validate_on_submit():
        return render_template(
            "booking/staff/technician_form.html", form=form, technician=technician
        )
    saved = agenda.save_technician(technician, form.data_for_saving())
    flash(_("Technician %(name)s saved.", name=saved.name), "success")
    return redirect(url_for("dispatch.edit_technician", technician_id=saved.id))


@bp.route("/staff/techniker/neu", methods=["GET", "POST"])
@role_required(Role.DISPATCHER)
def new_technician():
    return _save_technician(_technician_form(None), None)


@bp.route("/staff/techniker/<int:technician_id>", methods=["GET", "POST"])
@role_required(Role.DISPATCHER)
def edit_technician(technician_id: int):
    technician = _technician(technician_id)
    return _save_technician(_technician_form(technician), technician)


@bp.route("/staff/techniker/<int:technician_id>/abwesenheiten", methods=["GET", "POST"])
@role_required(Role.DISPATCHER)
def absences(technician_id: int):
    technician = _technician(technician_id)
    form = AbsenceForm()
    if form.validate_on_submit():
        starts_at, ends_at = form.bounds()
        agenda.add_absence(
            technician, AbsenceKind(form.kind.data), starts_at, ends_at, form.note.data or ""
        )
        flash(_("Absence saved."), "success")
        affected = agenda.open_appointments_during(technician.id, starts_at, ends_at)
        if affected:
            flash(
                ngettext(
                    "%(num)d open appointment falls into this time: %(references)s. "
                    "Give it to another technician.",
                    "%(num)d open appointments fall into this time: %(references)s. "
                    "Give them to other technicians.",
                    len(affected),
                    references=", ".join(a.reference for a in affected),
                ),
                "error",
            )
        return redirect(url_for("dispatch.absences", technician_id=technician.id))
    current, past = agenda.absences_of(technician)
    return render_template(
        "booking/staff/absences.html",
        technician=technician,
        form=form,
        current=current,
        past=past,
        confirm_form=ConfirmForm(formdata=None),
    )


@bp.post("/staff/techniker/<int:technician_id>/abwesenheiten/<int:absence_id>/loeschen")
@role_required(Role.DISPATCHER)
def delete_absence(technician_id: int, absence_id: int):
    absence = agenda.absence_of(technician_id, absence_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        agenda.delete_absence(absence)
        flash(_("Absence deleted."), "success")
    else:
        flash(_("The change could not be made. Please try again."), "error")
    return redirect(url_for("dispatch.absences", technician_id=technician_id))


@bp.route("/staff/leistungen/", methods=["GET", "POST"])
@role_required(Role.DISPATCHER)
def services():
    if request.method == "POST":
        return _toggle(ServiceType, "dispatch.services")
    return render_template("booking/staff/services.html", services=agenda.all_services())


def _save_service(form: ServiceTypeForm, service: ServiceType | None):
    if not form.validate_on_submit():
        return render_template("booking/staff/service_form.html", form=form, service=service)
    saved = agenda.save_service(service, form.data_for_saving())
    flash(_("Service %(name)s saved.", name=saved.name_de), "success")
    if not agenda.fits_a_day(saved):
        flash(
            _(
                "With its buffers this service takes longer than all arrival windows of a day "
                "together, so customers cannot book it."
            ),
            "error",
        )
    return redirect(url_for("dispatch.edit_service", service_id=saved.id))


@bp.route("/staff/leistungen/neu", methods=["GET", "POST"])
@role_required(Role.DISPATCHER)
def new_service():
    return _save_service(ServiceTypeForm(), None)


@bp.route("/staff/leistungen/<int:service_id>", methods=["GET", "POST"])
@role_required(Role.DISPATCHER)
def edit_service(service_id: int):
    service = db.session.get(ServiceType, service_id) or abort(404)
    return _save_service(ServiceTypeForm(obj=service), service)
