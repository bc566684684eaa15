"""The emergency page every page links to, and the triage API for texts typed anywhere."""

from flask import Blueprint, current_app, jsonify, render_template, request

from articles import catalog
from portal import safety
from portal.config import SUPPORTED_LANGUAGES
from portal.errors import api_error
from portal.extensions import limiter
from portal.i18n import reject_unknown_language
from search import triage

bp = Blueprint("safety", __name__)
bp.url_value_preprocessor(reject_unknown_language)

TEXT_MAX = 2000
ORDER = ("gas", "carbon_monoxide", "water", "fire")


def _triage_limit() -> str:
    return current_app.config["TRIAGE_RATE_LIMIT"]


@bp.get("/<lang>/notfall")
def emergency(lang: str):
    """What to do in each emergency, with the numbers and whether our lines are staffed."""
    found = {reason: safety.guidance(safety.EMERGENCY, reason, lang) for reason in ORDER}
    articles = {
        reason: catalog.published_by_slug(guide.article)
        for reason, guide in found.items()
        if guide.article
    }
    return render_template(
        "articles/emergency.html",
        guides=found,
        articles=articles,
        no_heating=safety.guidance(safety.URGENT, "no_heating", lang),
        numbers=safety.numbers(),
    )


@bp.get("/api/triage")
@limiter.limit(_triage_limit)
def api_triage():
    text = request.args.get("text", "")
    lang = request.args.get("lang", "de")
    if not text.strip():
        return api_error("text is required")
    if len(text) > TEXT_MAX:
        return api_error(f"text may have at most {TEXT_MAX} characters")
    if lang not in SUPPORTED_LANGUAGES:
        return api_error("lang must be one of: " + ", ".join(SUPPORTED_LANGUAGES))
    verdict = triage.classify(text, lang, *safety.season())
    guide = safety.guidance_for(verdict, lang)
    return jsonify(
        level=verdict.level,
        reason=verdict.reason,
        possible=verdict.possible,
        advice=guide.advice if guide else "",
        phone=guide.phone if guide else None,
        title=guide.title if guide else None,
    )
