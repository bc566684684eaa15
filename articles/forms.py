"""Forms of the knowledge base: the article editor, image uploads, the vote on articles, and
staff's decisions on search suggestions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from articles.models import BODY_MAX, COMMENT_MAX, SUMMARY_MAX, TITLE_MAX, Reason


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


def reason_labels() -> dict[str, str]:
    return {
        Reason.OUTDATED.value: _l("It is out of date"),
        Reason.UNCLEAR.value: _l("It is hard to understand"),
        Reason.NOT_SOLVED.value: _l("It did not solve my problem"),
        Reason.BROKEN.value: _l("A link or image is broken"),
        Reason.OTHER.value: _l("Something else"),
    }


def reason_choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in reason_labels().items()]


class VoteForm(FlaskForm):
    """ "Was this article helpful?" and, after "No", what was missing."""

    vote = SelectField(choices=[SelectChoice(value) for value in ("yes", "no", "withdraw")])
    reason = RadioField(_l("What was missing?"), choices=reason_choices, validators=[Optional()])
    comment = TextAreaField(
        _l("Anything else you want to tell us? (optional)"),
        validators=[
            Length(
                max=COMMENT_MAX,
                message=_l("Your comment has %(length)d characters; please keep it to %(max)d."),
            )
        ],
        render_kw={"maxlength": COMMENT_MAX, "rows": 4},
    )

    def validate(self, extra_validators=None) -> bool:
        """The "what was missing" form, once sent, needs a reason or a comment."""
        if not super().validate(extra_validators):
            return False
        sent_details = bool(self.comment.raw_data)
        if (
            sent_details
            and self.vote.data == "no"
            and not (self.reason.data or self.comment.data.strip())
        ):
            self.reason.errors.append(_l("Please choose what was missing or write a comment."))
            return False
        return True


class SuggestionForm(FlaskForm):
    """Approve a query for the search box's suggestions, or block it from them."""

    query = StringField(_l("Search query"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(
        _l("Language"),
        choices=lambda: [SelectChoice(value, label) for value, label in language_choices()],
    )
    decision = SelectField(
        _l("Decision"),
        choices=lambda: [
            SelectChoice("approved", _l("Approve as a suggestion")),
            SelectChoice("blocked", _l("Never suggest")),
        ],
    )


class PromotedAnswerForm(FlaskForm):
    """Pin one published article as the best answer to a search."""

    query = StringField(
        _l("Query"),
        validators=[
            DataRequired(message=_l("Please enter the search this article answers.")),
            Length(max=200),
        ],
        description=_l("Also applies to other spellings and small typos of the same search."),
        id="promoted-query",
    )
    slug = SelectField(
        _l("Article"),
        validators=[DataRequired(message=_l("Please choose a published article."))],
        validate_choice=False,
        id="promoted-slug",
    )
