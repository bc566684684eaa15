"""The editors' promoted answers, shown on the search analytics page: pin an article as the
best answer to a search, or remove a pin."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from articles import promoted
from articles.forms import PromotedAnswerForm, language_choices
from portal.auth import role_required
from portal.forms import ConfirmForm
from portal.models import Role

bp = Blueprint("promoted", __name__)

ANCHOR = "#promoted-heading"


def _form(**typed) -> PromotedAnswerForm:
    """The form with the published articles to choose from, each with its language."""
    form = PromotedAnswerForm(**typed)
    names = dict(language_choices())
    form.slug.choices = [("", _("Choose an article"))] + [
        (article.slug, f"{article.published.title} ({names[article.language]}, {article.slug})")
        for article in promoted.publishable_articles()
    ]
    return form


@bp.app_template_global("promoted_answers")
def promoted_answers() -> dict:
    """What the promoted-answers part of the analytics page shows; a pin that could not be
    saved comes back in the address, so the form shows what the editor typed."""
    typed = {"query": request.args.get("antwort", ""), "slug": request.args.get("artikel", "")}
    return {"form": _form(formdata=None, **typed), "pins": promoted.pins()}


def _back(**typed) -> str:
    return url_for("search.report", **typed) + ANCHOR


@bp.post("/staff/search/promoted")
@role_required(Role.EDITOR)
def add():
    form = _form()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(str(errors[0]), "error")
        return redirect(_back(antwort=form.query.data or None, artikel=form.slug.data or None))
    try:
        pin = promoted.pin(form.query.data, form.slug.data, current_user)
    except promoted.PinError as error:
        flash(str(error), "error")
        return redirect(_back(antwort=form.query.data, artikel=form.slug.data))
    flash(
        _(
            "“%(title)s” is now the recommended answer for “%(query)s”.",
            title=pin.article.published.title,
            query=pin.query,
        ),
        "success",
    )
    return redirect(_back())


@bp.post("/staff/search/promoted/<int:pin_id>/remove")
@role_required(Role.EDITOR)
def remove(pin_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not promoted.unpin(pin_id, current_user):
        abort(404)
    flash(_("Recommended answer removed."), "success")
    return redirect(_back())
