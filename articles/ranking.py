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

Every vote updates running sums per article (``ArticleScore``), so reading all scores costs one
row per article. The fading needs no rewriting of those sums ("forward decay"): a vote cast on
day d adds ``2 ** ((d - EPOCH) / half_life)``, and on reading, the sums are scaled by
``2 ** (-(today - EPOCH) / half_life)``; the product is the vote's weight at its age.
"""

import math
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import delete, func, insert, select, update

from articles.models import Article, ArticleScore, ArticleVote
from portal.caching import for_a_while
from portal.caching import forget as forget_kept
from portal.extensions import db
from portal.models import insert_unless_present, utcnow

WILSON_Z = 1.96
EPOCH = date(2026, 1, 1)
SCORES = "articles.scores"
MIN_HALF_LIFE_DAYS = 30  # keeps 2 ** (days / half_life) a finite float until about 2110

VoteState = tuple[bool, date] | None  # a counted vote's (helpful, day), or no counted vote


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

    def forward_weight(self, day: date) -> float:
        """What a vote cast on ``day`` adds to the running sums."""
        if self.half_life_days <= 0:
            return 1.0
        return 2.0 ** ((day - EPOCH).days / self.half_life_days)

    def decay(self, today: date) -> float:
        """What the running sums are scaled by on ``today``."""
        if self.half_life_days <= 0:
            return 1.0
        return 2.0 ** (-(today - EPOCH).days / self.half_life_days)


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
    half_life = config["HELPFULNESS_HALF_LIFE_DAYS"]
    return Scoring(
        prior=config["HELPFULNESS_PRIOR"],
        prior_votes=config["HELPFULNESS_PRIOR_VOTES"],
        strength=config["HELPFULNESS_SEARCH_STRENGTH"],
        half_life_days=max(half_life, MIN_HALF_LIFE_DAYS) if half_life > 0 else 0.0,
    )


def count_change(article_id: int, before: VoteState, after: VoteState) -> None:
    """Move an article's running sums from one counted vote state to another; the caller
    commits, in the same transaction as the vote."""
    if before == after:
        return
    rules = scoring()
    change = {"yes": 0.0, "no": 0.0}
    for sign, state in ((-1, before), (1, after)):
        if state is not None:
            helpful, day = state
            change["yes" if helpful else "no"] += sign * rules.forward_weight(day)
    insert_unless_present(
        ArticleScore,
        {"article_id": article_id, "yes": 0.0, "no": 0.0, "half_life_days": rules.half_life_days},
        ["article_id"],
    )
    db.session.execute(
        update(ArticleScore)
        .where(ArticleScore.article_id == article_id)
        .values(yes=ArticleScore.yes + change["yes"], no=ArticleScore.no + change["no"])
    )


def rebuild_scores() -> int:
    """Recompute every article's running sums from its votes (after a bulk load, or when the
    half-life changed); returns how many articles have counted votes."""
    rules = scoring()
    sums: dict[int, list[float]] = {}
    rows = db.session.execute(
        select(ArticleVote.article_id, ArticleVote.day, ArticleVote.helpful, func.count())
        .where(ArticleVote.counted.is_(True))
        .group_by(ArticleVote.article_id, ArticleVote.day, ArticleVote.helpful)
    ).all()
    for article_id, day, helpful, count in rows:
        entry = sums.setdefault(article_id, [0.0, 0.0])
        entry[0 if helpful else 1] += count * rules.forward_weight(day)
    db.session.execute(delete(ArticleScore))
    if sums:
        db.session.execute(
            insert(ArticleScore),
            [
                {"article_id": key, "yes": yes, "no": no, "half_life_days": rules.half_life_days}
                for key, (yes, no) in sums.items()
            ],
        )
    db.session.commit()
    forget()
    return len(sums)


def compute_scores() -> dict[str, float]:
    """Scores of every article with counted votes, by slug; others score ``prior``."""
    rules = scoring()
    rows = db.session.execute(
        select(Article.slug, ArticleScore.yes, ArticleScore.no, ArticleScore.half_life_days).join(
            Article, Article.id == ArticleScore.article_id
        )
    ).all()
    if any(row.half_life_days != rules.half_life_days for row in rows):
        rebuild_scores()
        return compute_scores()
    decay = rules.decay(utcnow().date())
    return {
        slug: rules.score(max(yes * decay, 0.0), max(no * decay, 0.0)) for slug, yes, no, _ in rows
    }


def _kept_scores() -> tuple[dict[str, float], float]:
    seconds = current_app.config["HELPFULNESS_CACHE_SECONDS"]
    return for_a_while(SCORES, seconds, compute_scores)


def scores() -> dict[str, float]:
    """The scores, computed at most once per ``HELPFULNESS_CACHE_SECONDS`` in this process."""
    return _kept_scores()[0]


def scores_stamp() -> float:
    """Names the scores this process ranks with now: it changes whenever they are read again."""
    return _kept_scores()[1]


def forget() -> None:
    """Drop this process's cached scores, so its own votes count at once."""
    forget_kept(SCORES)


def search_boost():
    """The factor search multiplies each result's relevance by, as ``rank_boost`` wants it."""
    rules, known = scoring(), scores()
    return lambda slug: rules.boost(known.get(slug, rules.prior))


def score_column():
    """The score as an SQL expression over ``ArticleScore``, for lists ordered in the database."""
    rules = scoring()
    decay = rules.decay(utcnow().date())
    return rules.score(ArticleScore.yes * decay, ArticleScore.no * decay)
