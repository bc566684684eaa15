"""The helpfulness arithmetic, without a database."""

from datetime import date, timedelta

import pytest

from articles.ranking import Scoring, wilson_interval

RULES = Scoring(prior=0.5, prior_votes=10, strength=0.5, half_life_days=180)


def test_an_article_without_votes_sits_at_the_neutral_value():
    assert RULES.score(0, 0) == 0.5
    assert RULES.boost(RULES.score(0, 0)) == 1.0


def test_one_vote_does_not_beat_many():
    one_yes = RULES.score(1, 0)
    many_mostly_yes = RULES.score(180, 20)
    assert 0.5 < one_yes < many_mostly_yes
    assert RULES.score(0, 1) > RULES.score(20, 180)


def test_the_search_boost_is_bounded():
    best, worst = RULES.boost(RULES.score(10**6, 0)), RULES.boost(RULES.score(0, 10**6))
    assert best == pytest.approx(1.25, abs=1e-4)
    assert worst == pytest.approx(0.75, abs=1e-4)


def test_older_votes_weigh_less_with_a_half_life():
    today = date(2031, 5, 17)

    def weight(age_days, rules=RULES):
        return rules.forward_weight(today - timedelta(days=age_days)) * rules.decay(today)

    assert weight(0) == pytest.approx(1.0)
    assert weight(180) == pytest.approx(0.5)
    assert weight(360) == pytest.approx(0.25)
    assert weight(10_000, Scoring(half_life_days=0)) == 1.0


def test_wilson_interval_matches_the_textbook_values():
    low, high = wilson_interval(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(1, 1)
    assert low < 0.25 and high == 1.0
