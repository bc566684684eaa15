"""What customers see: home, categories, articles, and images."""

from flask import Blueprint, abort, make_response, redirect, render_template, url_for

from articles import catalog
from articles.images import image_by_key
from portal.config import SUPPORTED_LANGUAGES
from portal.i18n import select_locale

bp = Blueprint("articles", __name__)


@bp.url_value_preprocessor
def _check_language(endpoint, values):
    if values and "lang" in values and values["lang"] not in SUPPORTED_LANGUAGES:
        abort(404)


@bp.get("/")
def root():
    return redirect(url_for("articles.home", lang=select_locale()))


@bp.get("/<lang>/")
def home(lang: str):
    return render_template(
        "articles/home.html",
        categories=catalog.top_categories(lang),
        latest=catalog.latest(lang),
    )


@bp.get("/<lang>/kategorie/<path:path>")
def category(lang: str, path: str):
    found = catalog.category_by_path(lang, path) or abort(404)
    sections = catalog.sections_with_articles(found)
    if not sections:
        abort(404)
    return render_template("articles/category.html", category=found, sections=sections)


@bp.get("/<lang>/artikel/<slug>")
def detail(lang: str, slug: str):
    article = catalog.published_article(lang, slug)
    if article is None:
        elsewhere = catalog.published_by_slug(slug) or abort(404)
        return redirect(url_for("articles.detail", lang=elsewhere.language, slug=slug), 301)
    return render_template(
        "articles/detail.html",
        article=article,
        revision=article.published,
        related=catalog.related(article),
        translations=catalog.translations(article),
    )


@bp.get("/media/<key>/<filename>")
def image(key: str, filename: str):
    found = image_by_key(key) or abort(404)
    response = make_response(found.data)
    response.headers["Content-Type"] = found.content_type
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Disposition"] = f'inline; filename="{found.filename}"'
    return response
