"""'War dieser Artikel hilfreich?': the vote as a form and as JSON, and the staff reports."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import ngettext
from flask_login import current_user

from articles import catalog, feedback_report, visitors, voting
from articles.forms import VoteForm, reason_labels
from articles.models import Article, Reason
from articles.views import render_article
from portal.auth import role_required
from portal.config import SUPPORTED_LANGUAGES
from portal.errors import api_error
from portal.extensions import db, limiter
from portal.forms import ConfirmForm, record_id
from portal.i18n import reject_unknown_language
from portal.models import Role

bp = Blueprint("feedback", __name__)
bp.url_value_preprocessor(reject_unknown_language)

VOTES = {"yes": True, "no": False, "withdraw": None}


def _address_limit() -> str:
    return current_app.config["VOTE_RATE_LIMIT"]


def _visitor_limit() -> str:
    return current_app.config["VOTE_VISITOR_RATE_LIMIT"]


def _address_key() -> str:
    return "vote-address:" + visitors.address_hash()


def _visitor_key() -> str:
    return "vote-visitor:" + (visitors.visitor_id() or visitors.address_hash())


limit_per_address = limiter.shared_limit(
    _address_limit, scope="vote-address", key_func=_address_key
)
limit_per_visitor = limiter.shared_limit(
    _visitor_limit, scope="vote-visitor", key_func=_visitor_key
)


def _cast(article: Article, ballot: voting.Ballot):
    """Cast for this request's visitor; returns the vote and the visitor id to remember."""
    visitor = visitors.visitor_id() or visitors.new_visitor_id()
    vote = voting.cast(
        article,
        visitors.stored_form(visitor),
        visitors.address_hash(),
        ballot,
        visitors.search_that_led_to(article.slug),
    )
    return vote, visitor


@bp.post("/<lang>/artikel/<slug>/bewertung")
@limit_per_address
@limit_per_visitor
def vote(lang: str, slug: str):
    article = catalog.published_article(lang, slug) or abort(404)
    form = VoteForm()
    if not form.validate_on_submit():
        return render_article(article, form, 400)
    helpful = VOTES[form.vote.data]
    ballot = voting.Ballot(
        helpful,
        Reason(form.reason.data) if form.reason.data and helpful is False else None,
        form.comment.data if helpful is False else None,
    )
    visitor = _cast(article, ballot)[1]
    target = url_for("articles.detail", lang=lang, slug=slug, _anchor="feedback")
    return visitors.remember(redirect(target, 303), visitor)


def _ballot_from_json(payload) -> voting.Ballot:
    if not isinstance(payload, dict):
        raise voting.VoteError("send a JSON object")
    choice = payload.get("vote")
    if not isinstance(choice, str) or choice not in VOTES:
        raise voting.VoteError("vote must be one of: " + ", ".join(VOTES))
    reason = payload.get("reason")
    if reason is not None and (
        not isinstance(reason, str) or reason not in {r.value for r in Reason}
    ):
        raise voting.VoteError("reason must be one of: " + ", ".join(r.value for r in Reason))
    comment = payload.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise voting.VoteError("comment must be a string")
    ballot = voting.Ballot(VOTES[choice], Reason(reason) if reason else None, comment or None)
    ballot.check()
    return ballot


def _state(vote) -> dict:
    if vote is None:
        return {"vote": None, "reason": None, "comment": None}
    return {
        "vote": "yes" if vote.helpful else "no",
        "reason": vote.reason.value if vote.reason else None,
        "comment": vote.comment,
    }


@bp.post("/api/articles/<lang>/<slug>/vote")
@limit_per_address
@limit_per_visitor
def api_vote(lang: str, slug: str):
    article = catalog.published_article(lang, slug) or abort(404)
    try:
        ballot = _ballot_from_json(request.get_json(silent=True))
    except voting.VoteError as error:
        return api_error(str(error))
    vote, visitor = _cast(article, ballot)
    return visitors.remember(jsonify(_state(vote)), visitor)


def _language_filter() -> str | None:
    language = request.args.get("sprache")
    return language if language in SUPPORTED_LANGUAGES else None


@bp.get("/staff/feedback/")
@role_required(Role.EDITOR)
def overview():
    language = _language_filter()
    return render_template(
        "articles/feedback_overview.html",
        rows=feedback_report.overview(language),
        language=language,
        trend_days=feedback_report.TREND_DAYS,
    )


@bp.get("/staff/feedback/export.csv")
@role_required(Role.EDITOR)
def export():
    return Response(
        feedback_report.overview_csv(_language_filter()),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="artikel-bewertungen.csv"'},
    )


@bp.get("/staff/feedback/comments.csv")
@role_required(Role.EDITOR)
def export_comments():
    return Response(
        feedback_report.feedback_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="artikel-rueckmeldungen.csv"'},
    )


@bp.get("/staff/feedback/<int:article_id>")
@role_required(Role.EDITOR)
def article(article_id: int):
    found = db.session.get(Article, article_id) or abort(404)
    return render_template(
        "articles/feedback_article.html",
        report=feedback_report.article_report(found),
        reason_labels=reason_labels(),
    )


@bp.post("/staff/feedback/<int:article_id>/done")
@role_required(Role.EDITOR)
def resolve(article_id: int):
    found = db.session.get(Article, article_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        item = request.form.get("item", type=record_id)
        changed = voting.resolve(current_user, found, item)
        message = ngettext(
            "%(num)d feedback item marked as done.",
            "%(num)d feedback items marked as done.",
            changed,
        )
        flash(message, "success")
    return redirect(url_for("feedback.article", article_id=article_id))
