"""A plausible search log for the demo, so the search analytics have something to show.

Seeded, so every demo install tells the same story: most searches find their article, a few
topics have none yet (and some of those were written later), spellings vary, and a handful of
queries are asked by enough visitors to be suggested.
"""

import random
from datetime import timedelta

from sqlalchemy import select

from articles.models import Article, SearchQuery, Status
from articles.suggestions import query_key
from portal.extensions import db
from portal.models import utcnow

DAYS = 90
SEED = 20261202
VISITORS = 60
# Queries and the demo article that answers them, with their spellings.
ANSWERED = {
    "de": [
        (["e18", "E 18", "fehler e18", "waschmaschine E-18"], "waschmaschine-fehlercode-e18"),
        (
            ["heizung druck", "heizung druck zu niedrig", "heizungsdruck"],
            "heizung-druck-zu-niedrig",
        ),
        (["heizkörper entlüften", "heizkoerper entlueften"], "heizkoerper-entlueften"),
        (["flusensieb", "flusensieb reinigen"], "flusensieb-reinigen"),
        (
            ["spülmaschine pumpt nicht ab", "spuel maschine pumpt nicht ab"],
            "geschirrspueler-pumpt-nicht-ab",
        ),
        (["kühlschrank kühlt nicht", "kuehlschrank kuehlt nicht"], "kuehlschrank-kuehlt-nicht"),
        (["wärmepumpe vereist", "waermepumpe eis"], "waermepumpe-vereist"),
        (["termin verschieben", "termin stornieren"], "termin-verschieben-stornieren"),
        (["gasgeruch"], "gasgeruch"),
        (["trockner trocknet nicht"], "trockner-trocknet-nicht"),
    ],
    "en": [
        (["fridge not cooling"], None),
        (["book a technician"], None),
    ],
}
# Topics the demo knowledge base has no article for: what staff should write next.
UNANSWERED = {
    "de": [
        ["wärmepumpe förderung", "waermepumpe foerderung", "Wärmepumpe Förderung 2026"],
        ["dunstabzugshaube filter", "dunstabzugshaube fillter"],
        ["induktion kochfeld piept", "induktionskochfeld piept"],
        ["kaffeevollautomat entkalken", "kaffee vollautomat entkalken"],
        ["solarthermie wartung"],
        ["mikrowelle funkt"],
        ["F28", "f 28", "fehler F-28"],
    ],
    "en": [["heat pump subsidy"], ["induction hob beeping"]],
}


def has_searches() -> bool:
    return db.session.scalar(select(SearchQuery.id).limit(1)) is not None


def load_demo_searches() -> int:
    """Add searches of the last 90 days by several visitors; returns how many."""
    rng = random.Random(SEED)
    now = utcnow()
    published = set(
        db.session.scalars(select(Article.slug).where(Article.status == Status.PUBLISHED))
    )
    visitors = [f"{rng.getrandbits(128):032x}" for _ in range(VISITORS)]
    rows = 0
    for language, topics in ANSWERED.items():
        for spellings, slug in topics:
            for _ in range(rng.randint(8, 30)):
                clicked = slug in published and rng.random() < 0.7
                rows += _add(
                    rng,
                    now,
                    visitors,
                    rng.choice(spellings),
                    language,
                    True,
                    slug if clicked else None,
                )
    for language, topics in UNANSWERED.items():
        for index, spellings in enumerate(topics):
            # The first topic of each language got its article a month ago: solved since.
            for _ in range(rng.randint(5, 25)):
                rows += _add(
                    rng,
                    now,
                    visitors,
                    rng.choice(spellings),
                    language,
                    False,
                    None,
                    min_age=30 if index == 0 else 0,
                )
            if index == 0:
                for _ in range(rng.randint(3, 6)):
                    rows += _add(rng, now, visitors, spellings[0], language, True, None, max_age=20)
    db.session.commit()
    return rows


def _add(rng, now, visitors, query, language, answered, clicked, min_age=0, max_age=DAYS) -> int:
    moment = now - timedelta(days=rng.uniform(min_age, max_age))
    text = " ".join(query.lower().split())
    db.session.add(
        SearchQuery(
            query=text,
            language=language,
            result_count=rng.randint(1, 9) if answered else rng.choice([0, 0, 0, 2]),
            answered=answered,
            clicked_slug=clicked,
            clicked_rank=rng.choice([1, 1, 1, 2, 3]) if clicked else None,
            created_at=moment,
            folded=query_key(query, language),
            searcher=rng.choice(visitors),
        )
    )
    return 1
