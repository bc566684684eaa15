import secrets

from sqlalchemy import select

from articles import authoring, indexing, voting
from articles.models import Article
from portal.extensions import db


def publish_article(app, **changes):
    """Create and publish an article; return its slug."""
    values = {
        "title": "Tür klemmt",
        "body": "## Ursache\n\nDie Tür ist verriegelt.\n\n## Lösung\n\nWarten.",
        "language": "de",
        "category": "Waschmaschinen/Probleme lösen",
        "summary": "Was tun, wenn die Tür klemmt.",
        "tags": ["tür", "waschmaschine"],
    }
    values.update(changes)
    slug = values.pop("slug", None)
    with app.app_context():
        article = authoring.create_article(authoring.Content(**values), None, slug=slug)
        authoring.publish(article)
        db.session.commit()
        return article.slug


def searchable_e18_article(app):
    """One published article about E18 in a built index: the site the search-log tests use."""
    publish_article(
        app,
        title="Waschmaschine zeigt E18",
        body="## Ursache\n\nDas Flusensieb ist verstopft.",
        tags=["e18"],
    )
    with app.app_context():
        indexing.rebuild(app)
    return app


def vote(app, slug, helpful, address=None, times=1):
    """Votes from ``times`` new visitors; each from its own address unless one is given."""
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == slug))
        for _ in range(times):
            voting.cast(
                article,
                secrets.token_hex(32),
                address or secrets.token_hex(16),
                voting.Ballot(helpful),
            )


def build_index(app):
    with app.app_context():
        indexing.rebuild(app)
