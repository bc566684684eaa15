"""Plausible votes and views for the demo articles, so the staff reports have something to show.

Seeded, so every demo install tells the same story: most articles help, a few clearly do not.
"""

import random
import secrets
from datetime import timedelta

from sqlalchemy import select

from articles import ranking
from articles.models import Article, ArticleView, ArticleVote, Reason, Status
from portal.extensions import db
from portal.models import utcnow

DAYS = 120
SEED = 20261122
COMMENTS = {
    "de": [
        "Bei meinem Modell sieht das Bedienfeld anders aus.",
        "Der Fehlercode in meinem Display steht hier nicht.",
        "Zu kompliziert beschrieben, ich habe es nicht verstanden.",
        "Der Link zur Ersatzteilbestellung funktioniert nicht.",
        "Hat leider nicht geholfen, das Gerät läuft immer noch nicht.",
        "Bitte ein Bild dazu, wo genau das Sieb sitzt.",
    ],
    "en": [
        "My model's control panel looks different.",
        "The code on my display is not listed here.",
        "Too complicated, I did not understand the steps.",
        "Did not help, the appliance still does not work.",
    ],
}
REASONS = (
    [Reason.NOT_SOLVED] * 4
    + [Reason.UNCLEAR] * 2
    + [
        Reason.OUTDATED,
        Reason.BROKEN,
        Reason.OTHER,
    ]
)


def has_votes() -> bool:
    return db.session.scalar(select(ArticleVote.id).limit(1)) is not None


def load_demo_feedback() -> tuple[int, int]:
    """Add votes and views to the published articles; returns (votes, views)."""
    rng = random.Random(SEED)
    now = utcnow()
    votes = views = 0
    articles = db.session.scalars(
        select(Article).where(Article.status == Status.PUBLISHED).order_by(Article.slug)
    ).all()
    for article in articles:
        helpful_rate = rng.choice([0.3, 0.45, 0.7, 0.8, 0.85, 0.9, 0.95])
        queries = [tag.name for tag in article.tags][:3] or [None]
        for _ in range(rng.randint(10, 60)):
            moment = now - timedelta(days=rng.random() * DAYS)
            query = rng.choice([*queries, None, None])
            visitor = secrets.token_hex(16)
            db.session.add(
                ArticleView(article_id=article.id, day=moment.date(), visitor=visitor, query=query)
            )
            views += 1
            if rng.random() > 0.3:
                continue
            helpful = rng.random() < helpful_rate
            vote = ArticleVote(
                article_id=article.id,
                revision_id=article.published_revision_id,
                visitor=secrets.token_hex(32),
                address=secrets.token_hex(16),
                day=moment.date(),
                helpful=helpful,
                counted=True,
                query=query,
                created_at=moment,
                updated_at=moment,
            )
            if not helpful:
                vote.reason = rng.choice(REASONS)
                if rng.random() < 0.5:
                    vote.comment = rng.choice(COMMENTS[article.language])
            db.session.add(vote)
            votes += 1
    db.session.commit()
    ranking.rebuild_scores()
    return votes, views
