"""Forms of the knowledge base: the article editor and image uploads."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from articles.models import BODY_MAX, SUMMARY_MAX, TITLE_MAX


def language_choices():
    return [("de", _l("German")), ("en", _l("English"))]


class ArticleForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    slug = StringField(
        _l("Address (slug)"),
        validators=[
            Optional(),
            Length(max=100),
            Regexp(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                message=_l("Use lowercase letters, digits and hyphens only."),
            ),
        ],
        description=_l("Leave empty to derive it from the title. It cannot change later."),
    )
    language = SelectField(_l("Language"), choices=language_choices)
    category = StringField(
        _l("Category"),
        validators=[DataRequired(), Length(max=170)],
        description=_l('As "Category/Section", for example "Waschmaschinen/Fehlercodes".'),
    )
    tags = StringField(
        _l("Tags"), validators=[Length(max=1000)], description=_l("Separated by commas.")
    )
    summary = StringField(
        _l("Summary"),
        validators=[Length(max=SUMMARY_MAX)],
        description=_l("One sentence; search engines show it too."),
    )
    body = TextAreaField(_l("Text (Markdown)"), validators=[DataRequired(), Length(max=BODY_MAX)])
    message = StringField(
        _l("Note on this change"),
        validators=[Length(max=200)],
        description=_l("Optional; shown in the history."),
    )

    def tag_list(self) -> list[str]:
        return [tag for tag in (self.tags.data or "").split(",") if tag.strip()]


class ImageUploadForm(FlaskForm):
    image = FileField(_l("Image"), validators=[FileRequired()])
    alt = StringField(_l("Description (alt text)"), validators=[Length(max=200)])


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token guards buttons that change state."""


class SynonymsForm(FlaskForm):
    de = TextAreaField(
        _l("German synonyms"),
        validators=[Length(max=50_000)],
        description=_l('One group per line, words joined by "=", e.g. "Therme = Gastherme".'),
    )
    en = TextAreaField(
        _l("English synonyms"),
        validators=[Length(max=50_000)],
        description=_l('One group per line, e.g. "fridge = refrigerator".'),
    )
