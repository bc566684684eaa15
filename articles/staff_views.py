"""What editors use: the article list, the editor with preview, history, images."""

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
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from articles import authoring
from articles.forms import ArticleForm, ImageUploadForm
from articles.images import recent_images, store_image
from articles.models import BODY_MAX, Article, ArticleRevision, Category, Status
from articles.rendering import render_markdown
from portal import audit
from portal.auth import role_required
from portal.extensions import db
from portal.forms import ConfirmForm, record_id
from portal.imaging import ImageError
from portal.models import Role

bp = Blueprint("editor", __name__, url_prefix="/staff/articles")

STATUS_ACTIONS = {
    "publish": authoring.publish,
    "unpublish": authoring.unpublish,
    "archive": authoring.archive,
}
AUDITED = {
    "publish": "article.published",
    "unpublish": "article.unpublished",
    "archive": "article.archived",
}


def _audit(action: str, article: Article) -> None:
    audit.record(current_user, AUDITED[action], f"{article.slug} ({article.language})")


def _article(article_id: int) -> Article:
    return db.session.get(Article, article_id) or abort(404)


def _content(form: ArticleForm) -> authoring.Content:
    return authoring.Content(
        title=form.title.data or "",
        body=form.body.data or "",
        language=form.language.data,
        category=form.category.data or "",
        summary=form.summary.data or "",
        tags=form.tag_list(),
    )


def _category_paths() -> list[str]:
    categories = db.session.scalars(select(Category).options(joinedload(Category.parent)))
    return sorted({c.full_name for c in categories})


def _render_editor(form: ArticleForm, article: Article | None, preview: str | None = None):
    return render_template(
        "articles/editor.html",
        form=form,
        article=article,
        preview=preview,
        category_paths=_category_paths(),
        upload_form=ImageUploadForm(),
    )


def _save_from_form(form: ArticleForm, article: Article | None) -> Article | None:
    """Save what the editor sent; None when the content was refused (errors are on the form)."""
    action = request.form.get("action", "draft")
    try:
        if article is None:
            article = authoring.create_article(
                _content(form),
                current_user,
                slug=form.slug.data or None,
                message=form.message.data or "",
            )
        else:
            authoring.save(article, _content(form), current_user, form.message.data or "")
    except authoring.ContentError as error:
        db.session.rollback()
        getattr(form, error.field).errors.append(error.message)
        return None
    if action == "publish":
        authoring.publish(article)
        _audit("publish", article)
    db.session.commit()
    flash(_("Article published.") if action == "publish" else _("Draft saved."), "success")
    return article


@bp.get("/")
@role_required(Role.EDITOR)
def index():
    status = request.args.get("status", "")
    statement = (
        select(Article, ArticleRevision)
        .join(ArticleRevision, ArticleRevision.id == Article.latest_revision_id)
        .order_by(Article.updated_at.desc())
    )
    if status in {s.value for s in Status}:
        statement = statement.where(Article.status == Status(status))
    rows = db.session.execute(statement).all()
    return render_template("articles/staff_list.html", rows=rows, status=status)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def create():
    form = ArticleForm()
    if request.method == "GET":
        form.title.data = request.args.get("title", "")[:200]
        form.language.data = request.args.get("language", "de")
    if form.validate_on_submit():
        if request.form.get("action") == "preview":
            return _render_editor(form, None, render_markdown(form.body.data).html)
        article = _save_from_form(form, None)
        if article is not None:
            return redirect(url_for("editor.edit", article_id=article.id))
    return _render_editor(form, None)


@bp.route("/<int:article_id>", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def edit(article_id: int):
    article = _article(article_id)
    form = ArticleForm()
    if request.method == "GET":
        content = authoring.content_of(article)
        form.process(
            data={
                "title": content.title,
                "slug": article.slug,
                "language": content.language,
                "category": content.category,
                "tags": ", ".join(content.tags),
                "summary": content.summary,
                "body": content.body,
            }
        )
    elif form.validate_on_submit():
        if request.form.get("action") == "preview":
            return _render_editor(form, article, render_markdown(form.body.data).html)
        if _save_from_form(form, article) is not None:
            return redirect(url_for("editor.edit", article_id=article.id))
    return _render_editor(form, article)


@bp.post("/preview")
@role_required(Role.EDITOR)
def preview():
    """Render Markdown for the live preview; answers JSON."""
    body = request.form.get("body", "")
    if len(body) > BODY_MAX:
        return jsonify(error=_("The text is too long.")), 400
    return jsonify(html=render_markdown(body).html)


@bp.post("/<int:article_id>/status")
@role_required(Role.EDITOR)
def change_status(article_id: int):
    article = _article(article_id)
    action = STATUS_ACTIONS.get(request.form.get("action", ""))
    if not ConfirmForm().validate_on_submit() or action is None:
        abort(400)
    action(article)
    _audit(request.form["action"], article)
    db.session.commit()
    flash(_("Status changed."), "success")
    return redirect(url_for("editor.edit", article_id=article.id))


@bp.get("/<int:article_id>/history")
@role_required(Role.EDITOR)
def history(article_id: int):
    article = _article(article_id)
    return render_template("articles/history.html", article=article)


@bp.get("/<int:article_id>/diff")
@role_required(Role.EDITOR)
def diff(article_id: int):
    article = _article(article_id)
    try:
        old = authoring.revision(article, request.args.get("from", type=record_id) or 0)
        new = authoring.revision(article, request.args.get("to", type=record_id) or 0)
    except LookupError:
        abort(404)
    return render_template(
        "articles/diff.html", article=article, old=old, new=new, lines=authoring.diff(old, new)
    )


@bp.post("/<int:article_id>/restore/<int:number>")
@role_required(Role.EDITOR)
def restore(article_id: int, number: int):
    article = _article(article_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        authoring.restore(article, number, current_user)
    except LookupError:
        abort(404)
    db.session.commit()
    flash(_("Revision %(number)s restored as the latest draft.", number=number), "success")
    return redirect(url_for("editor.edit", article_id=article.id))


IMAGE_ERRORS = {
    "empty": _l("The file is empty."),
    "too_large": _l("The image is too large."),
    "too_many_pixels": _l("The image has too many pixels."),
    "not_an_image": _l("The file is not an image we can read."),
    "unsupported_type": _l("Only PNG, JPEG, GIF and WebP images are allowed."),
}


@bp.route("/images", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def images():
    form = ImageUploadForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    if form.validate_on_submit():
        upload = form.image.data
        try:
            image = store_image(
                upload.read(current_app.config["MAX_IMAGE_BYTES"] + 1),
                upload.filename,
                current_user,
                current_app.config["MAX_IMAGE_BYTES"],
                current_app.config["MAX_IMAGE_PIXELS"],
            )
        except ImageError as error:
            message = str(IMAGE_ERRORS[str(error)])
            if wants_json:
                return jsonify(error=message), 400
            form.image.errors.append(message)
        else:
            db.session.commit()
            url = url_for("articles.image", key=image.key, filename=image.filename)
            markdown = f"![{(form.alt.data or '').strip()}]({url})"
            if wants_json:
                return jsonify(url=url, markdown=markdown), 201
            flash(_("Image uploaded. Copy the Markdown line into the article."), "success")
            return redirect(url_for("editor.images"))
    elif wants_json and request.method == "POST":
        return jsonify(error=_("Choose an image file.")), 400
    return render_template("articles/images.html", form=form, images=recent_images())
