"""Helpfulness: how "War dieser Artikel hilfreich?" votes become a score, and how that score
moves search results and the "Frequently helpful" lists.

The score is a Bayesian average: every article starts with ``prior_votes`` imaginary votes at
the rate ``prior`` (the neutral value), so an article without votes sits in the middle, one
vote moves it a little and many votes move it a lot::

    score = (yes + prior_votes * prior) / (yes + no + prior_votes)

Votes can fade with age: each counts ``0.5 ** (age_days / half_life_days)``. Search multiplies
an article's text relevance by a bounded boost, so helpfulness only reorders results that match
about equally well::

    boost = 1 + strength * (score - prior)
"""

import math
import time
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from articles.models import Article, ArticleVote
from portal.extensions import db
from portal.models import utcnow

WILSON_Z = 1.96


@dataclass(frozen=True)
class Scoring:
    prior: float = 0.5
    prior_votes: float = 10.0
    strength: float = 0.5
    half_life_days: float = 0.0

    def score(self, yes: float, no: float) -> float:
        return (yes + self.prior_votes * self.prior) / (yes + no + self.prior_votes)

    def boost(self, score: float) -> float:
        return 1.0 + self.strength * (score - self.prior)

    def weight(self, age_days: int) -> float:
        """How much a vote cast ``age_days`` ago counts; 1 without a half-life."""
        if self.half_life_days <= 0:
            return 1.0
        return 0.5 ** (max(age_days, 0) / self.half_life_days)


def wilson_interval(yes: int, total: int, z: float = WILSON_Z) -> tuple[float, float]:
    """The 95 % confidence interval of the true yes-rate, shown to staff next to the score."""
    if total == 0:
        return 0.0, 1.0
    rate = yes / total
    centre = rate + z * z / (2 * total)
    spread = z * math.sqrt(rate * (1 - rate) / total + z * z / (4 * total * total))
    denominator = 1 + z * z / total
    return max(0.0, (centre - spread) / denominator), min(1.0, (centre + spread) / denominator)


def scoring() -> Scoring:
    config = current_app.config
    return Scoring(
        prior=config["HELPFULNESS_PRIOR"],
        prior_votes=config["HELPFULNESS_PRIOR_VOTES"],
        strength=config["HELPFULNESS_SEARCH_STRENGTH"],
        half_life_days=config["HELPFULNESS_HALF_LIFE_DAYS"],
    )


def _as_date(value) -> date:
    """SQLite hands back dates grouped in SQL as text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def compute_scores() -> dict[str, float]:
    """Scores of every article with counted votes, by slug; others score ``prior``."""
    rules = scoring()
    today = utcnow().date()
    totals: dict[str, list[float]] = {}
    rows = db.session.execute(
        select(Article.slug, ArticleVote.day, ArticleVote.helpful, func.count())
        .join(Article, Article.id == ArticleVote.article_id)
        .where(ArticleVote.counted.is_(True))
        .group_by(Article.slug, ArticleVote.day, ArticleVote.helpful)
    ).all()
    for slug, day, helpful, count in rows:
        weighted = count * rules.weight((today - _as_date(day)).days)
        totals.setdefault(slug, [0.0, 0.0])[0 if helpful else 1] += weighted
    return {slug: rules.score(yes, no) for slug, (yes, no) in totals.items()}


def scores() -> dict[str, float]:
    """The scores, computed at most once per ``HELPFULNESS_CACHE_SECONDS`` in this process."""
    cache = current_app.extensions.setdefault("helpfulness", {})
    if cache.get("until", 0.0) <= time.monotonic():
        cache["scores"] = compute_scores()
        cache["until"] = time.monotonic() + current_app.config["HELPFULNESS_CACHE_SECONDS"]
    return cache["scores"]


def forget() -> None:
    """Drop this process's cached scores, so its own votes count at once."""
    current_app.extensions.get("helpfulness", {}).pop("until", None)


def score_of(slug: str) -> float:
    return scores().get(slug, scoring().prior)


def search_boost():
    """The factor search multiplies each result's relevance by, as ``rank_boost`` wants it."""
    rules, known = scoring(), scores()
    return lambda slug: rules.boost(known.get(slug, rules.prior))


def best_slugs(limit: int) -> list[str]:
    """Slugs of the articles that scored above neutral, best first."""
    rules, known = scoring(), scores()
    helpful = [slug for slug, score in known.items() if score > rules.prior]
    return sorted(helpful, key=lambda slug: (-known[slug], slug))[:limit]
