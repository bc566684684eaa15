"""The demo knowledge base against tests/search/answer_cases.toml: queries it answers (with the
articles that do) and queries it cannot answer (devices and topics the company does not cover,
many sharing everyday words with real articles). The set was written from the articles alone,
without looking at the search code; bench-like figures are printed by ``-s``."""

import tomllib
from pathlib import Path

from articles import indexing, searching
from articles.importing import import_demo_articles

CASES = tomllib.loads((Path(__file__).parents[1] / "search" / "answer_cases.toml").read_text())


def _find(app, case):
    with app.test_request_context():
        return searching.find(case["query"], case["lang"], None, 1, 10).results


def test_the_sets_are_large_enough():
    assert len(CASES["answered"]) >= 100 and len(CASES["unanswered"]) >= 40


def test_the_demo_answers_what_it_can_and_says_when_it_cannot(app):
    with app.app_context():
        import_demo_articles()
        indexing.rebuild(app)
    answered, reciprocal, top3 = 0, 0.0, 0
    for case in CASES["answered"]:
        results = _find(app, case)
        answered += results.answered
        slugs = [hit.slug for hit in results.hits]
        rank = next((i for i, slug in enumerate(slugs) if slug in case["slugs"]), None)
        if rank is not None:
            reciprocal += 1 / (rank + 1)
            top3 += rank < 3
    count = len(CASES["answered"])
    print(f"answered {answered}/{count}, MRR {reciprocal / count:.3f}, top 3 {top3}/{count}")
    assert answered / count >= 0.78
    assert reciprocal / count >= 0.87 and top3 / count >= 0.9
    honest = 0
    for case in CASES["unanswered"]:
        results = _find(app, case)
        honest += not results.answered
        assert results.answered or len(results.hits) <= 3, case["query"]  # never a full page
    print(f"honestly unanswered {honest}/{len(CASES['unanswered'])}")
    assert honest / len(CASES["unanswered"]) >= 0.9
