import pytest
from sqlalchemy import select

from articles import authoring
from articles.models import Article, Status
from portal.extensions import db


def content(**changes):
    values = {
        "title": "Tür klemmt",
        "body": "## Ursache\n\nDie Tür ist verriegelt.",
        "language": "de",
        "category": "Waschmaschinen/Probleme lösen",
        "summary": "Was tun, wenn die Tür klemmt.",
        "tags": ["Tür", "waschmaschine", "tür "],
    }
    return authoring.Content(**{**values, **changes})


def test_new_article_is_a_draft_with_one_revision(app_ctx):
    article = authoring.create_article(content(), None)
    db.session.commit()
    assert article.slug == "tuer-klemmt"
    assert article.status is Status.DRAFT and article.published is None
    assert [r.number for r in article.revisions] == [1]
    assert article.category.full_name == "Waschmaschinen/Probleme lösen"
    assert [t.name for t in article.tags] == ["tür", "waschmaschine"]
    assert '<h2 id="ursache">' in article.latest.html


def test_saving_unchanged_content_makes_no_revision(app_ctx):
    article = authoring.create_article(content(), None)
    assert authoring.save(article, content(), None) is None
    revision = authoring.save(article, content(body="Neu"), None, "Text überarbeitet")
    assert revision.number == 2 and revision.message == "Text überarbeitet"


def test_published_article_keeps_its_version_until_the_draft_is_published(app_ctx):
    article = authoring.create_article(content(), None)
    authoring.publish(article)
    db.session.commit()
    first = article.published
    authoring.save(article, content(title="Tür klemmt immer noch"), None)
    db.session.commit()
    assert article.published is first and article.has_unpublished_changes
    authoring.publish(article)
    db.session.commit()
    assert article.published.title == "Tür klemmt immer noch"
    assert not article.has_unpublished_changes


@pytest.mark.parametrize("action", [authoring.unpublish, authoring.archive])
def test_unpublish_and_archive_hide_the_article(app_ctx, action):
    article = authoring.create_article(content(), None)
    authoring.publish(article)
    action(article)
    db.session.commit()
    assert article.published is None and article.status is not Status.PUBLISHED


def test_restore_brings_back_old_text_as_a_new_revision(app_ctx):
    article = authoring.create_article(content(body="Alt"), None)
    authoring.save(article, content(body="Neu", tags=["neu"]), None)
    restored = authoring.restore(article, 1, None)
    assert restored.number == 3 and restored.body == "Alt"
    assert [t.name for t in article.tags] == ["tür", "waschmaschine"]


def test_diff_shows_added_and_removed_lines(app_ctx):
    article = authoring.create_article(content(body="eins\nzwei\ndrei"), None)
    authoring.save(article, content(body="eins\nzwo\ndrei"), None)
    old, new = authoring.revision(article, 1), authoring.revision(article, 2)
    lines = authoring.diff(old, new)
    assert ("-", "zwei") in lines and ("+", "zwo") in lines
    assert ("-", "eins") not in lines


def test_slugs_stay_unique(app_ctx):
    first = authoring.create_article(content(), None)
    second = authoring.create_article(content(), None)
    assert (first.slug, second.slug) == ("tuer-klemmt", "tuer-klemmt-2")


def test_editing_the_title_keeps_the_slug(app_ctx):
    article = authoring.create_article(content(), None)
    authoring.save(article, content(title="Ganz anderer Titel"), None)
    assert article.slug == "tuer-klemmt"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"category": "A/B/C"}, "category"),
        ({"category": "/"}, "category"),
        ({"category": "!!!"}, "category"),
        ({"language": "fr"}, "language"),
        ({"summary": "x" * 301}, "summary"),
        ({"tags": [f"t{i}" for i in range(21)]}, "tags"),
    ],
)
def test_bad_content_is_refused_with_the_field_named(app_ctx, changes, field):
    with pytest.raises(authoring.ContentError) as error:
        authoring.create_article(content(**changes), None)
    assert error.value.field == field and error.value.message


def test_category_and_section_are_reused(app_ctx):
    authoring.create_article(content(), None)
    authoring.create_article(content(title="Zweiter"), None)
    db.session.commit()
    categories = {a.category_id for a in db.session.scalars(select(Article))}
    assert len(categories) == 1
