"""What customers see: home, categories, articles, and images."""

import functools

from flask import Blueprint, abort, make_response, redirect, render_template, url_for
from flask_login import current_user

from articles import catalog, ranking, visitors, voting
from articles.forms import VoteForm
from articles.images import image_by_key
from articles.models import Article
from portal import safety
from portal.caching import anonymous_without_news, conditional_page, shared_page
from portal.i18n import reject_unknown_language, select_locale
from search import triage

bp = Blueprint("articles", __name__)
bp.url_value_preprocessor(reject_unknown_language)


@bp.get("/")
def root():
    return redirect(url_for("articles.home", lang=select_locale()))


@bp.get("/<lang>/")
def home(lang: str):
    def render() -> str:
        return render_template(
            "articles/home.html",
            categories=catalog.top_categories(lang),
            latest=catalog.latest(lang),
            helpful=catalog.frequently_helpful(lang),
        )

    if not anonymous_without_news():
        return render()
    # "Frequently helpful" moves with the votes: the page is kept as long as the scores are.
    return shared_page(("home", catalog.last_change()[0], ranking.scores_stamp()), render)


@bp.get("/<lang>/kategorie/<path:path>")
def category(lang: str, path: str):
    found = catalog.category_by_path(lang, path) or abort(404)
    sections = catalog.sections_with_articles(found)
    if not sections:
        abort(404)
    return render_template(
        "articles/category.html",
        category=found,
        sections=sections,
        helpful=catalog.frequently_helpful(lang, found),
    )


@bp.get("/<lang>/artikel/<slug>")
def detail(lang: str, slug: str):
    found = catalog.published_ref(lang, slug)
    if found is None:
        elsewhere = catalog.published_by_slug(slug) or abort(404)
        return redirect(url_for("articles.detail", lang=elsewhere.language, slug=slug), 301)
    response = render_article(found)
    if not current_user.is_authenticated and not visitors.is_bot():
        voting.record_view(found, visitors.viewer_key(), visitors.search_that_led_to(slug))
    return response


def render_article(
    article: Article | catalog.ArticleRef, vote_form: VoteForm | None = None, status: int = 200
):
    """The article page; with a vote form that failed, shows its errors and what was typed.

    Given only a reference, the article itself is loaded when the page must be rendered: not
    for a 304, nor for a page rendered for anonymous readers already.
    """
    visitor = visitors.visitor_id()
    vote = voting.vote_of(article, visitors.stored_form(visitor)) if visitor else None
    guide = _comment_guidance(vote, article.language)

    def render() -> str:
        shown = article
        if not isinstance(shown, Article):
            shown = catalog.published_article(article.language, article.slug)
        return render_template(
            "articles/detail.html",
            article=shown,
            revision=shown.published,
            related=catalog.related(shown),
            translations=catalog.translations(shown),
            vote=vote,
            vote_form=vote_form or VoteForm(formdata=None),
            vote_guide=guide,
        )

    if vote_form is not None or guide is not None:  # the advice says who answers right now
        return render(), status
    # Related articles, translations and categories change with other articles: the log's head.
    change, changed_at = catalog.last_change()
    shown = (article.id, article.published_revision_id, change)
    if vote:
        shown += (vote.id, vote.version)
    elif anonymous_without_news():
        render = functools.partial(shared_page, ("article", *shown), render)
    times = [t for t in (article.published_at, changed_at, vote and vote.updated_at) if t]
    return conditional_page(shown, max(times, default=None), render)


def _comment_guidance(vote, language: str) -> safety.Guidance | None:
    """What to do now, when the comment a reader left says danger ("es riecht nach Gas")."""
    if vote is None or not vote.comment:
        return None
    verdict = triage.classify(vote.comment, language, *safety.season())
    return safety.guidance_for(verdict, language)


@bp.get("/media/<key>/<filename>")
def image(key: str, filename: str):
    found = image_by_key(key) or abort(404)
    response = make_response(found.data)
    response.headers["Content-Type"] = found.content_type
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Disposition"] = f'inline; filename="{found.filename}"'
    return response
