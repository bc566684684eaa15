import re
from collections import Counter

from sqlalchemy import select

from articles.importing import DEMO_FOLDER, import_demo_articles
from articles.models import Article, ArticleRevision, Status
from portal.extensions import db


def test_demo_content_imports_completely(app_ctx):
    report = import_demo_articles()
    assert report.failed == []
    languages = Counter(db.session.scalars(select(Article.language)))
    assert languages["de"] >= 40 and languages["en"] >= 10
    assert set(db.session.scalars(select(Article.status))) == {Status.PUBLISHED}
    english = db.session.scalars(select(Article).where(Article.language == "en")).all()
    assert all(article.translation_group for article in english)


def test_demo_articles_are_real_help_content(app_ctx):
    import_demo_articles()
    revisions = db.session.scalars(select(ArticleRevision)).all()
    assert all(len(r.body.split()) >= 200 for r in revisions)
    assert all(r.summary and r.toc for r in revisions)
    assert sum("<table>" in r.html for r in revisions) >= 10
    assert sum('class="admonition' in r.html for r in revisions) >= 40


def test_links_between_demo_articles_resolve(app_ctx):
    import_demo_articles()
    slugs = set(db.session.scalars(select(Article.slug)))
    linked = {
        match
        for path in DEMO_FOLDER.rglob("*.md")
        for match in re.findall(r"\]\(/(?:de|en)/artikel/([a-z0-9-]+)\)", path.read_text())
    }
    assert linked and linked <= slugs
