"""What customers see: the "Rückruf anfordern" form and its confirmation."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import ngettext

from booking.callbacks import notifications, requests
from booking.callbacks.forms import CallbackForm
from booking.callbacks.models import PartOfDay
from portal import safety
from portal.extensions import count_done, wait_before
from portal.i18n import reject_unknown_language

bp = Blueprint("callbacks", __name__)
bp.url_value_preprocessor(reject_unknown_language)

# What the confirmation page needs to know about the request just sent (not the request).
SENT = "callback_sent"


def _limit() -> str:
    return current_app.config["CALLBACK_RATE_LIMIT"]


def _guidance(topic: str, lang: str) -> safety.Guidance | None:
    verdict = requests.assess(topic, lang)
    return safety.guidance_for(verdict, lang)


def _render(form: CallbackForm, lang: str, status: int = 200, guide=None):
    """The form, below what to do now when the topic says danger (``guide``, when known)."""
    if guide is None and form.topic.data:
        guide = _guidance(form.topic.data, lang)
    page = render_template("booking/callbacks/request.html", form=form, guide=guide, lang=lang)
    return page, status


def _too_many(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return ngettext(
        "You have asked for several callbacks already. Please try again in %(num)d minute, "
        "or call us: %(phone)s (%(hours)s).",
        "You have asked for several callbacks already. Please try again in %(num)d minutes, "
        "or call us: %(phone)s (%(hours)s).",
        minutes,
        phone=current_app.config["COMPANY_PHONE"],
        hours=current_app.config["SERVICE_HOURS"],
    )


def _part(value) -> PartOfDay:
    try:
        return PartOfDay(value)
    except ValueError:
        return PartOfDay.ANY


def _sent(part: PartOfDay, urgent_reason: str | None):
    session[SENT] = {"part": part.value, "reason": urgent_reason}


@bp.route("/<lang>/rueckruf", methods=["GET", "POST"])
def request_form(lang: str):
    form = CallbackForm()
    if request.method == "GET":
        form.topic.data = request.args.get("thema", "").strip()[: requests.TOPIC_MAX]
        return _render(form, lang)
    if not form.validate():
        return _render(form, lang, 400)
    part = PartOfDay(form.preferred_time.data)
    if form.website.data:
        # A bot: it gets the customer's answer, and nothing is stored or sent.
        _sent(part, None)
        return redirect(url_for("callbacks.sent", lang=lang), 303)
    guide = _guidance(form.topic.data, lang)
    if guide is not None and not guide.can_book:
        # An emergency is not answered with a call tomorrow: the form stays, below what to do.
        return _render(form, lang, 409, guide)
    # Only stored requests count; one refused keeps what was typed and says whom to call.
    wait = wait_before("callback", _limit())
    if wait:
        form.topic.errors = [_too_many(wait)]
        return _render(form, lang, 429, guide)
    callback = requests.take(
        requests.Request(
            name=form.name.data,
            phone=form.phone.data,
            topic=form.topic.data,
            preferred_time=part,
            email=form.email.data or "",
        ),
        lang,
    )
    count_done("callback", _limit())
    notifications.tell_company(callback)
    _sent(part, callback.urgency_reason if callback.urgency == safety.URGENT else None)
    return redirect(url_for("callbacks.sent", lang=lang), 303)


@bp.get("/<lang>/rueckruf/danke")
def sent(lang: str):
    remembered = session.get(SENT) or {}
    part = _part(remembered.get("part"))
    reason = remembered.get("reason")
    guide = safety.guidance(safety.URGENT, reason, lang) if reason else None
    # An urgent request is called back today while our line is open, else when it opens.
    hotline = safety.numbers()["hotline"] if guide else None
    return render_template(
        "booking/callbacks/sent.html",
        day=requests.next_callback_day(part),
        part=part.value,
        guide=guide,
        hotline=hotline,
    )
