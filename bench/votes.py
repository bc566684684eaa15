"""Votes benchmark: what helpfulness costs as votes pile up.

Builds a throwaway portal (SQLite by default, or ``DATABASE_URL``) with published articles and
synthetic votes spread over a year, then prints: rebuilding the running sums from all votes
(after a bulk load or a new half-life), reading every article's score (what each process does
once per cache period), a search's cached boost, one vote cast through the service (insert or
change, with its per-address check and the sums' update), and the "Frequently helpful" query.

    .venv/bin/python bench/votes.py --articles 1000 --votes 10000,100000
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade
from sqlalchemy import delete, insert

from articles import catalog, ranking, voting
from articles.models import Article, ArticleRevision, ArticleVote, Category, Status
from portal import create_app
from portal.extensions import db
from portal.models import utcnow


def _articles(count: int) -> list[tuple[int, int]]:
    """Published articles inserted directly (rendering is not what is measured)."""
    category = Category(language="de", name="Bench", path="bench")
    db.session.add(category)
    db.session.flush()
    ids = []
    for number in range(count):
        article = Article(
            slug=f"bench-{number}",
            language="de",
            status=Status.PUBLISHED,
            category_id=category.id,
            published_at=utcnow(),
        )
        db.session.add(article)
        db.session.flush()
        revision = ArticleRevision(
            article_id=article.id, number=1, title=f"Bench {number}", body="x", html="x"
        )
        db.session.add(revision)
        db.session.flush()
        article.latest_revision_id = article.published_revision_id = revision.id
        ids.append((article.id, revision.id))
    db.session.commit()
    return ids


def _votes(articles: list[tuple[int, int]], count: int, rng: random.Random) -> float:
    """Insert votes in bulk, then rebuild the sums; returns the rebuild's seconds."""
    now = utcnow()
    db.session.execute(delete(ArticleVote))
    rows = []
    for number in range(count):
        article_id, revision_id = rng.choice(articles)
        moment = now - timedelta(days=rng.random() * 365)
        rows.append(
            {
                "article_id": article_id,
                "revision_id": revision_id,
                "visitor": f"v{number}",
                "address": f"a{number % 5000}",
                "day": moment.date(),
                "helpful": rng.random() < 0.7,
                "counted": True,
                "created_at": moment,
                "updated_at": moment,
            }
        )
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(ArticleVote), rows[start : start + 5000])
    db.session.commit()
    started = time.perf_counter()
    ranking.rebuild_scores()
    return time.perf_counter() - started


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--votes", default="10000,100000")
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-votes-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"INSTANCE_PATH": folder, "SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(7)
    with app.app_context():
        upgrade()
        articles = _articles(arguments.articles)
        print(f"{db.engine.dialect.name}, {arguments.articles} published articles")
        for count in (int(n) for n in arguments.votes.split(",")):
            rebuild = _votes(articles, count, rng)
            computed = []
            for _ in range(5):
                started = time.perf_counter()
                ranking.compute_scores()
                computed.append(time.perf_counter() - started)
            cached = []
            for _ in range(1000):
                started = time.perf_counter()
                ranking.search_boost()(f"bench-{rng.randrange(arguments.articles)}")
                cached.append(time.perf_counter() - started)
            targets = db.session.query(Article).limit(50).all()
            cast = []
            for number in range(300):
                started = time.perf_counter()
                voting.cast(
                    rng.choice(targets),
                    f"bench-visitor-{number % 100}",
                    f"bench-address-{number % 30}",
                    voting.Ballot(rng.random() < 0.5),
                )
                cast.append(time.perf_counter() - started)
            helpful = []
            with app.test_request_context():
                for _ in range(50):
                    started = time.perf_counter()
                    catalog.frequently_helpful("de")
                    helpful.append(time.perf_counter() - started)
            print(
                f"{count:>7} votes: rebuild sums {rebuild * 1000:.0f} ms; "
                f"read all scores {_ms(computed)}; cached boost "
                f"{_ms(cached)}; cast a vote {_ms(cast)}; frequently helpful {_ms(helpful)}"
            )


if __name__ == "__main__":
    main()
