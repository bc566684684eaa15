"""What customers see of booking: the four-step form, the private manage page, the slots API."""

import re
from datetime import date, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from booking import notifications, scheduling
from booking.forms import STEPS, BookingForm, described, parse_slot
from booking.models import Appointment, Deflection, ServiceType
from portal import safety
from portal.config import SUPPORTED_LANGUAGES
from portal.errors import api_error
from portal.extensions import client_network, db, limiter, within_limit
from portal.forms import record_id, whole_number
from portal.i18n import reject_unknown_language
from portal.imaging import ImageError, inspect, without_metadata
from portal.security import deliberate_visit, keyed_hash

bp = Blueprint("booking", __name__)
bp.url_value_preprocessor(reject_unknown_language)

DAYS_PER_PAGE = 14
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
API_MAX_DAYS = 62
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _booking_limit() -> str:
    return current_app.config["BOOKING_RATE_LIMIT"]


def _manage_limit() -> str:
    return current_app.config["BOOKING_MANAGE_RATE_LIMIT"]


def _api_limit() -> str:
    return current_app.config["BOOKING_API_RATE_LIMIT"]


def _form(lang: str) -> BookingForm:
    form = BookingForm()
    form.service.choices = [(s.id, s.name(lang)) for s in scheduling.active_services()]
    return form


def _service(form: BookingForm) -> ServiceType | None:
    chosen = record_id(str(form.service.data))
    service = db.session.get(ServiceType, chosen) if chosen else None
    return service if service is not None and service.active else None


def _calendar(service: ServiceType, postcode: str, page: int, ignore: Appointment | None = None):
    """Days of one page of the window picker, each with its free slots, and the first free slot
    of the whole horizon."""
    today = scheduling.local_today()
    last = today + timedelta(days=current_app.config["BOOKING_HORIZON_DAYS"])
    if ignore is None:
        _, slots = scheduling.offered_slots(service, postcode, today, last)
    else:
        slots = scheduling.free_slots(service, postcode, today, last, ignore=ignore)
    first = today + timedelta(days=page * DAYS_PER_PAGE)
    days = [first + timedelta(days=offset) for offset in range(DAYS_PER_PAGE)]
    by_day = {day: [slot for slot in slots if slot.day == day] for day in days if day <= last}
    return {
        "days": by_day,
        "next_free": slots[0] if slots else None,
        "page": page,
        "has_next": first + timedelta(days=DAYS_PER_PAGE) <= last,
    }


def _page() -> int:
    value = whole_number(request.form.get("seite", request.args.get("seite")))
    return min(value, 10) if value is not None else 0


def _suggestions(text: str, lang: str) -> list[dict]:
    suggest = current_app.extensions.get("article_suggestions")
    return suggest(text, lang) if suggest and text.strip() else []


def _guidance(form: BookingForm, lang: str) -> safety.Guidance | None:
    """What to do now, when what the customer describes (device, brand, model, serial number,
    problem) says danger, or asks about a danger it denies."""
    return safety.guidance_for(scheduling.assess(described(form), lang), lang)


def _render(
    form: BookingForm,
    step: int,
    lang: str,
    status: int = 200,
    guide: safety.Guidance | None = None,
    **extra,
):
    """One step of the form; ``guide`` is the advice for the problem when already known."""
    service = _service(form)
    if service is None:
        step = 1
    context = {"form": form, "step": step, "service": service, "steps": STEPS}
    if guide is not None and not guide.can_book:
        context["safety"] = guide
    elif step >= 2 and service is not None and any(described(form)):
        context["safety"] = guide or _guidance(form, lang)
    if step >= 3 and service is not None:
        problem = form.problem.data or ""
        context["suggestions"] = _suggestions(problem, lang)
    if step == 3 and service is not None:
        context["calendar"] = _calendar(service, form.postcode.data, _page())
    context.update(extra)
    return render_template("booking/book.html", **context), status


def _step_problems(form: BookingForm, step: int) -> bool:
    """Checks beyond single fields; adds errors to the form and says whether any were found."""
    service = _service(form)
    if step >= 1 and service is None:
        form.service.errors = [_("Please choose a service.")]
        return True
    if step == 1 and not scheduling.covering_technicians(service, form.postcode.data):
        form.postcode.errors = [
            _(
                "We do not offer this service in %(postcode)s yet. Please call us at %(phone)s "
                "or write to %(email)s.",
                postcode=form.postcode.data,
                phone=current_app.config["COMPANY_PHONE"],
                email=current_app.config["COMPANY_EMAIL"],
            )
        ]
        return True
    if step >= 2 and service.needs_description and not (form.problem.data or "").strip():
        form.problem.errors = [_("Please describe the problem.")]
        return True
    chosen = form.chosen_slot()
    if step == 3 and not scheduling.is_free(service, form.postcode.data, *chosen):
        form.slot.errors = [_("This window is not free. Please choose another one.")]
        return True
    return False


@bp.route("/<lang>/termin", methods=["GET", "POST"])
def start(lang: str):
    form = _form(lang)
    if request.method == "GET":
        form.service.data = request.args.get("leistung", type=record_id)
        return _render(form, 1, lang)
    current = min(max(whole_number(form.step.data) or 1, 1), 3)
    if "zurueck" in request.form:
        return _render(form, max(current - 1, 1), lang)
    if "seite" in request.form and current == 3:
        return _render(form, 3, lang)
    # Danger first: what to do now, with no form error beside it (a missing device can wait).
    guide = _guidance(form, lang) if current >= 2 else None
    if _is_emergency(guide):
        return _render(form, 2, lang, guide=guide)
    if not form.validate_through(current) or _step_problems(form, current):
        return _render(form, current, lang, 400, guide=guide)
    return _render(form, current + 1, lang, guide=guide)


def _is_emergency(guide: safety.Guidance | None) -> bool:
    """An emergency is not booked online: the form stays at the problem, with what to do now."""
    return guide is not None and not guide.can_book


def _prepared_photos(form: BookingForm) -> tuple[list[scheduling.Photo], str | None]:
    """The photos as they will be stored (re-encoded without metadata), or why one cannot be:
    every check happens here, before the booking is written, so nothing fails after it."""
    limit, pixels = current_app.config["MAX_IMAGE_BYTES"], current_app.config["MAX_IMAGE_PIXELS"]
    photos = []
    for upload in form.uploads():
        try:
            inspect(upload.read(), limit, pixels, PHOTO_FORMATS)
            upload.seek(0)
            data, width, height = without_metadata(upload.read())
            # Re-encoding may grow it.
            content_type, _, _ = inspect(data, limit, pixels, PHOTO_FORMATS)
        except ImageError as error:
            return [], _photo_error(str(error))
        photos.append(scheduling.Photo(content_type, data, width, height))
    return photos, None


def _photo_error(code: str) -> str:
    return {
        "too_large": _("A photo is larger than %(mb)d MB.", mb=_max_photo_mb()),
        "too_many_pixels": _("A photo has too many pixels. Please send a smaller one."),
        "unsupported_type": _("Photos must be JPEG or PNG images."),
    }.get(code, _("A file is not a photo we can read."))


def _max_photo_mb() -> int:
    return current_app.config["MAX_IMAGE_BYTES"] // (1024 * 1024)


@bp.post("/<lang>/termin/buchen")
@limiter.limit(_booking_limit)
def book(lang: str):
    form = _form(lang)
    if form.website.data:
        abort(400)
    guide = _guidance(form, lang)
    if _is_emergency(guide):
        return _render(form, 2, lang, 409, guide=guide)
    if not form.validate_through(4) or _step_problems(form, 2):
        step = next((n for n in STEPS if _has_errors(form, n)), 1)
        return _render(form, step, lang, 400)
    photos, problem = _prepared_photos(form)
    if problem:
        form.photos.errors = [problem]
        return _render(form, 4, lang, 400)
    day, window = form.chosen_slot()
    customer = scheduling.Customer(
        name=form.name.data.strip(),
        email=form.email.data.strip(),
        phone=form.phone.data.strip(),
        street=form.street.data.strip(),
        postcode=form.postcode.data,
        city=form.city.data.strip(),
        device_type=form.device_type.data.strip(),
        brand=(form.brand.data or "").strip(),
        model=(form.model.data or "").strip(),
        serial_number=(form.serial_number.data or "").strip(),
        purchase_date=form.purchase_date.data,
        problem=(form.problem.data or "").strip(),
    )
    try:
        appointment = scheduling.book(
            _service(form), customer, day, window, language=lang, photos=photos,
            network=keyed_hash("booking-network", client_network()),
        )  # fmt: skip
    except scheduling.NotCovered:
        _step_problems(form, 1)
        return _render(form, 1, lang, 400)
    except scheduling.WindowTaken:
        form.slot.data = ""
        message = _("This window was just taken. Please choose another one.")
        return _render(form, 3, lang, 409, taken=message)
    except scheduling.TooManyOpen as error:
        if error.field == "network":
            message = _(
                "Very many appointments have been booked from your network today. Please call "
                "us at %(phone)s and we will book yours.",
                phone=current_app.config["COMPANY_PHONE"],
            )
            return _render(form, 4, lang, 409, taken=message)
        field = {"email": form.email, "phone": form.phone, "address": form.street}[error.field]
        field.errors = [
            _(
                "You already have %(count)d open appointments with us. Please call us at "
                "%(phone)s to book another one.",
                count=current_app.config["BOOKING_OPEN_PER_CUSTOMER"],
                phone=current_app.config["COMPANY_PHONE"],
            )
        ]
        return _render(form, 4, lang, 409)
    notifications.notify(appointment, "booked")
    flash(_("Your appointment is booked. We have sent you a confirmation by e-mail."), "success")
    token = scheduling.manage_token(appointment)
    return redirect(url_for("booking.manage", lang=lang, token=token), 303)


def _has_errors(form: BookingForm, step: int) -> bool:
    return any(form[name].errors for name in STEPS[step])


def _appointment(token: str) -> Appointment:
    return scheduling.appointment_by_token(token) or abort(404)


@bp.get("/<lang>/termin/verwalten/<token>")
@limiter.limit(_manage_limit)
def manage(lang: str, token: str):
    appointment = _appointment(token)
    return render_template(
        "booking/manage.html",
        appointment=appointment,
        token=token,
        arrival=scheduling.arrival_window(appointment),
        can_change=scheduling.can_change(appointment),
        reschedules_left=scheduling.reschedules_left(appointment),
    )


@bp.post("/<lang>/termin/verwalten/<token>/absagen")
@limiter.limit(_manage_limit)
def cancel(lang: str, token: str):
    appointment = _appointment(token)
    try:
        scheduling.cancel(appointment)
    except scheduling.CutoffPassed:
        flash(_("This appointment can no longer be changed online. Please call us."), "error")
    except scheduling.NoLongerOpen:
        flash(_("This appointment is already cancelled or closed."), "info")
    else:
        notifications.notify(appointment, "cancelled")
        flash(_("Your appointment is cancelled. We have sent you a confirmation."), "success")
    return redirect(url_for("booking.manage", lang=lang, token=token), 303)


@bp.route("/<lang>/termin/verwalten/<token>/verschieben", methods=["GET", "POST"])
@limiter.limit(_manage_limit, methods=["POST"])
def reschedule(lang: str, token: str):
    appointment = _appointment(token)
    if not scheduling.can_change(appointment) or not scheduling.reschedules_left(appointment):
        flash(_("This appointment can no longer be moved online. Please call us."), "error")
        return redirect(url_for("booking.manage", lang=lang, token=token), 303)
    taken, status = None, 200
    if request.method == "POST" and "seite" not in request.form:
        chosen = parse_slot(request.form.get("slot", ""))
        try:
            if chosen is None:
                raise scheduling.WindowTaken("none chosen")
            scheduling.reschedule(appointment, *chosen)
        except scheduling.WindowTaken:
            taken, status = _("This window is not free. Please choose another one."), 409
        except (scheduling.NoLongerOpen, scheduling.CutoffPassed, scheduling.TooManyReschedules):
            flash(_("This appointment can no longer be moved online. Please call us."), "error")
            return redirect(url_for("booking.manage", lang=lang, token=token), 303)
        else:
            notifications.notify(appointment, "rescheduled")
            flash(_("Your appointment is moved. We have sent you a confirmation."), "success")
            return redirect(url_for("booking.manage", lang=lang, token=token), 303)
    calendar = _calendar(appointment.service_type, appointment.postcode, _page(), appointment)
    page = render_template(
        "booking/reschedule.html",
        appointment=appointment,
        token=token,
        arrival=scheduling.arrival_window(appointment),
        calendar=calendar,
        taken=taken,
    )
    return page, status


@bp.get("/<lang>/termin/hilfe/<slug>")
def deflect(lang: str, slug: str):
    """Note that a customer left the booking for a suggested article, then go there; beyond
    the client's limit it only goes there."""
    service = request.args.get("leistung", type=record_id)
    known = db.session.get(ServiceType, service) if service else None
    # Another site's link or image counts nothing, nor one client clicking on and on.
    limit = current_app.config["DEFLECTION_RATE_LIMIT"]
    if deliberate_visit() and within_limit("deflection", limit):
        article_slug = slug[:120]
        db.session.add(
            Deflection(service_type_id=known.id if known else None, article_slug=article_slug)
        )
        db.session.commit()
    return redirect(url_for("articles.detail", lang=lang, slug=slug))


@bp.get("/api/booking/suggestions")
@limiter.limit(_api_limit)
def api_suggestions():
    """Articles for a problem being typed; links go through ``deflect`` to be counted."""
    text = request.args.get("q", "").strip()[:200]
    lang = request.args.get("lang", "de")
    service = request.args.get("service", type=record_id)
    if lang not in SUPPORTED_LANGUAGES:
        return api_error("lang must be one of: " + ", ".join(SUPPORTED_LANGUAGES))
    return jsonify(
        [
            {
                "title": item["title"],
                "url": url_for(
                    "booking.deflect", lang=item["language"], slug=item["slug"], leistung=service
                ),
            }
            for item in _suggestions(text, lang)
        ]
    )


def _iso_day(name: str) -> date | None:
    raw = request.args.get(name, "")
    if not ISO_DAY.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


@bp.get("/api/booking/slots")
@limiter.limit(_api_limit)
def api_slots():
    service = db.session.get(ServiceType, request.args.get("service", type=record_id) or 0)
    postcode = request.args.get("postcode", "")
    first, last = _iso_day("from"), _iso_day("to")
    if service is None or not service.active:
        return api_error("service must be the id of an active service type")
    if not (len(postcode) == 5 and whole_number(postcode) is not None):
        return api_error("postcode must be five digits")
    if first is None or last is None:
        return api_error("from and to must be dates as YYYY-MM-DD")
    if last < first or (last - first).days > API_MAX_DAYS:
        return api_error(f"to must be on or after from, at most {API_MAX_DAYS} days later")
    covered, slots = scheduling.offered_slots(service, postcode, first, last)
    return jsonify(
        service=service.id,
        postcode=postcode,
        covered=covered,
        slots=[
            {
                "start": slot.start.isoformat(),
                "end": slot.end.isoformat(),
                "busy_until": slot.busy_until.isoformat(),
                "slot": f"{slot.day.isoformat()}/{slot.window}",
            }
            for slot in slots
        ],
    )
