"""What dispatchers see of callback requests: the open ones to call, and the closed ones."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from booking.callbacks import requests
from booking.callbacks.forms import CloseForm, part_of_day_labels
from portal import safety
from portal.auth import role_required
from portal.models import Role, utcnow

bp = Blueprint("callbacks_staff", __name__)


@bp.context_processor
def _labels() -> dict:
    return {
        "part_of_day_labels": part_of_day_labels(),
        "urgency_labels": safety.level_labels(),
        "reason_labels": safety.reason_labels(),
    }


@bp.get("/staff/rueckrufe/")
@role_required(Role.DISPATCHER)
def open_requests():
    return render_template(
        "booking/callbacks/staff_open.html",
        callbacks=requests.open_requests(),
        form=CloseForm(formdata=None),
        now=utcnow(),
    )


@bp.get("/staff/rueckrufe/erledigt")
@role_required(Role.DISPATCHER)
def closed_requests():
    return render_template(
        "booking/callbacks/staff_closed.html",
        callbacks=requests.closed_requests(),
        shown=requests.CLOSED_SHOWN,
    )


@bp.post("/staff/rueckrufe/<int:callback_id>/erledigt")
@role_required(Role.DISPATCHER)
def close(callback_id: int):
    form = CloseForm()
    back = redirect(url_for("callbacks_staff.open_requests"))
    if not form.validate_on_submit():
        flash(_("The change could not be made. Please try again."), "error")
        return back
    try:
        requests.close(callback_id, current_user, form.note.data or "")
    except LookupError:
        abort(404)
    except requests.NotOpen:
        flash(
            _("Callback request no. %(number)d was already marked as done.", number=callback_id),
            "info",
        )
        return back
    flash(_("Callback request no. %(number)d marked as done.", number=callback_id), "success")
    return back
