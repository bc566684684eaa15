"""Search pages, the JSON search API, and the staff pages for search analytics and synonyms."""

import re

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from articles import catalog, search_report, searching, suggestions, visitors
from articles.forms import SuggestionForm, SynonymsForm
from articles.models import SuggestionState
from portal.auth import role_required
from portal.caching import anonymous_without_news, shared_page
from portal.config import SUPPORTED_LANGUAGES
from portal.errors import api_error
from portal.forms import ID_MAX, ConfirmForm, record_id, whole_number
from portal.i18n import reject_unknown_language
from portal.models import Role
from portal.security import deliberate_visit, from_this_site

bp = Blueprint("search", __name__)
bp.url_value_preprocessor(reject_unknown_language)

PER_PAGE = 10
CATEGORY = re.compile(r"^[a-z0-9-]{1,80}$")
REPORT_DAYS = (7, 30, 90, 365)
# Stand for the visitor's log id and click token in a search page rendered once for everyone:
# no real id is this large before the database's integers run out, and a real token is
# random.
LOG_MARKER = ID_MAX
TOKEN_MARKER = "ClickTokenOfTheVisitor"  # noqa: S105 (a placeholder, not a secret)


def _page_number(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return 1
    number = whole_number(raw)
    return number if number is not None and 1 <= number <= 100 else None


@bp.get("/<lang>/suche")
def results(lang: str):
    query = request.args.get("q", "").strip()[: searching.QUERY_MAX]
    category = request.args.get("kategorie", "") or None
    if category and not CATEGORY.match(category):
        category = None
    page = _page_number(request.args.get("seite")) or 1
    # Only a search the visitor made is logged: an <img> elsewhere pointing here must not
    # make every visitor's browser a searcher of the content gaps and the suggestions.
    outcome = (
        searching.find(query, lang, category, page, PER_PAGE, log=deliberate_visit())
        if query
        else None
    )
    nothing_found = outcome is not None and outcome.results.total == 0
    # The search's log entry, which result links carry with this browser's proof of having
    # made it, so that a click is recorded with it; a later page only with that proof.
    log_id = outcome and outcome.log_id
    if not log_id:
        earlier = request.args.get("log", type=record_id)
        log_id = earlier if visitors.made_search(earlier, request.args.get("k")) else None
    token = visitors.search_token(log_id) if log_id else None

    def render(shown_log_id: int | None = log_id, shown_token: str | None = token) -> str:
        return render_template(
            "articles/search.html",
            query=query,
            category=category,
            outcome=outcome,
            log_id=shown_log_id,
            click_token=shown_token,
            categories=catalog.top_categories(lang),
            popular=catalog.popular(lang) if nothing_found else [],
        )

    if outcome is None or outcome.kept_as is None or nothing_found:
        return render()
    if str(LOG_MARKER) in query or TOKEN_MARKER in query:
        return render()
    if outcome.guide is not None:  # says whether our lines are staffed right now
        return render()
    if not anonymous_without_news():
        return render()
    # Everyone who searches the same sees the same page but for the log entry in the links.
    key = ("search", outcome.kept_as, catalog.last_change()[0], log_id is not None)
    own = {
        f"/{LOG_MARKER}/": f"/{log_id}/",
        f"log={LOG_MARKER}": f"log={log_id}",
        f"k={TOKEN_MARKER}": f"k={token}",
    }
    markers = (LOG_MARKER, TOKEN_MARKER) if log_id else (None, None)
    return shared_page(key, lambda: render(*markers), own)


@bp.get("/<lang>/suche/treffer/<int:log_id>/<int:rank>/<slug>")
def click(lang: str, log_id: int, rank: int, slug: str):
    """Record which result a search led to, then go there. Only the browser that made the
    search can: any other visit goes to the article and changes nothing."""
    article = catalog.published_by_slug(slug) or abort(404)
    # Another site's link or image counts nothing, nor a link with another browser's token.
    if deliberate_visit() and visitors.made_search(log_id, request.args.get("k")):
        searching.record_click(log_id, slug, rank)
        visitors.remember_search(slug, log_id)
    anchor = request.args.get("abschnitt", "")
    target = url_for("articles.detail", lang=article.language, slug=slug)
    if re.fullmatch(r"[a-z0-9-]{1,80}", anchor):
        target += f"#{anchor}"
    return redirect(target)


@bp.get("/api/search")
def api_search():
    query = request.args.get("q", "").strip()
    lang = request.args.get("lang", "de")
    category = request.args.get("category") or None
    page = _page_number(request.args.get("page"))
    if not query:
        return api_error("q is required")
    if len(query) > searching.QUERY_MAX:
        return api_error(f"q may have at most {searching.QUERY_MAX} characters")
    if lang not in SUPPORTED_LANGUAGES:
        return api_error("lang must be one of: " + ", ".join(SUPPORTED_LANGUAGES))
    if page is None:
        return api_error("page must be a whole number from 1 to 100")
    if category:
        found = catalog.category_by_path(lang, category)
        if found is None or found.parent_id is not None:
            return api_error(f"unknown top-level category {category!r} for lang {lang!r}")
    outcome = searching.find(query, lang, category, page, PER_PAGE, log=from_this_site())
    found, guide = outcome.results, outcome.guide
    return jsonify(
        query=query,
        language=found.language,
        total=found.total,
        page=found.page,
        answered=found.answered,
        suggestion=found.suggestion,
        safety=guide
        and {
            "level": guide.level,
            "reason": guide.reason,
            "advice": guide.advice,
            "phone": guide.phone,
        },
        results=[
            {
                "slug": hit.slug,
                "title": hit.title,
                "url": url_for(
                    "articles.detail",
                    lang=hit.language,
                    slug=hit.slug,
                    _external=True,
                    _anchor=hit.anchor,
                ),
                "snippet": hit.snippet,
                "score": hit.score,
                "language": hit.language,
                "weak": hit.weak,
                "promoted": hit.slug == outcome.promoted,
            }
            for hit in found.hits
        ],
    )


@bp.get("/api/suggest")
def api_suggest():
    text = request.args.get("q", "").strip()
    lang = request.args.get("lang", "de")
    if lang not in SUPPORTED_LANGUAGES:
        return api_error("lang must be one of: " + ", ".join(SUPPORTED_LANGUAGES))
    if len(text) > searching.QUERY_MAX:
        return api_error(f"q may have at most {searching.QUERY_MAX} characters")
    if not text:
        return jsonify([])
    found = searching.suggest(text, lang)
    return jsonify(
        [
            {
                "type": "article",
                "label": s.title,
                "url": url_for("articles.detail", lang=s.language, slug=s.slug),
            }
            for s in found.titles
        ]
        + [
            {
                "type": "heading",
                "label": h.label,
                "url": url_for("articles.detail", lang=h.language, slug=h.slug, _anchor=h.anchor),
            }
            for h in found.headings
        ]
        + [
            {"type": "query", "label": q, "url": url_for("search.results", lang=lang, q=q)}
            for q in found.queries
        ]
    )


def _report_days() -> int:
    days = request.args.get("tage", type=record_id)
    return days if days in REPORT_DAYS else 30


def _trend_days() -> int:
    days = request.args.get("verlauf", type=record_id)
    return days if days in search_report.TREND_DAYS else search_report.TREND_DAYS[0]


def _render_report(form: SuggestionForm, status: int = 200):
    days = _report_days()
    page = render_template(
        "articles/search_report.html",
        report=search_report.report(days, trend_days=_trend_days()),
        days_options=REPORT_DAYS,
        trend_options=search_report.TREND_DAYS,
        suggestions=suggestions.overview(SUPPORTED_LANGUAGES),
        form=form,
    )
    return page, status


@bp.get("/staff/search/")
@role_required(Role.EDITOR)
def report():
    return _render_report(SuggestionForm())


@bp.post("/staff/search/suggestions")
@role_required(Role.EDITOR)
def decide_suggestion():
    """Approve or block a query for the suggestions; the page keeps what was typed on error."""
    form = SuggestionForm()
    if not form.validate_on_submit():
        return _render_report(form, 400)
    state = SuggestionState(form.decision.data)
    try:
        suggestions.decide(form.query.data, form.language.data, state, current_user)
    except suggestions.SuggestionRefused as refused:
        form.query.errors.append(
            _("This looks like personal data and cannot be suggested.")
            if str(refused) == "personal"
            else _("Please enter a search query.")
        )
        return _render_report(form, 400)
    if state == SuggestionState.APPROVED:
        flash(_("“%(query)s” is now suggested.", query=form.query.data.strip()), "success")
    else:
        flash(_("“%(query)s” is never suggested.", query=form.query.data.strip()), "success")
    return redirect(url_for("search.report") + "#vorschlaege")


@bp.post("/staff/search/suggestions/<int:suggestion_id>/remove")
@role_required(Role.EDITOR)
def remove_suggestion(suggestion_id: int):
    """Forget a decision: the query is then suggested only if visitors earn it again."""
    if ConfirmForm().validate_on_submit() and suggestions.remove(suggestion_id, current_user):
        flash(_("Decision removed."), "success")
    return redirect(url_for("search.report") + "#vorschlaege")


@bp.get("/staff/search/export.csv")
@role_required(Role.EDITOR)
def export():
    days = _report_days()
    return Response(
        search_report.as_csv(days),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="suchanfragen-{days}-tage.csv"'},
    )


@bp.route("/staff/search/synonyms", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def synonyms():
    form = SynonymsForm()
    if request.method == "GET":
        form.de.data = searching.synonym_text("de")
        form.en.data = searching.synonym_text("en")
    elif form.validate_on_submit():
        texts = {code: getattr(form, code).data or "" for code in SUPPORTED_LANGUAGES}
        errors = searching.save_synonyms(texts, current_user)
        for language, problems in errors.items():
            getattr(form, language).errors.extend(
                _("Line %(line)s is not a synonym group: %(text)s", line=e.line, text=e.text)
                for e in problems
            )
        if not errors:
            flash(_("Synonyms saved. They apply to the next search."), "success")
            return redirect(url_for("search.synonyms"))
    return render_template("articles/synonyms.html", form=form)
