"""Promoted answers: an article editors pinned as the best answer to a query.

A pin holds for the query as the search understands it, not as it was typed: each query is
reduced to its index terms (folded case and umlauts, no stop or question words, stems), so
"Kaffeemaschine entkalken", "kaffeemaschine ENTKALKEN" and "Kaffee-Maschine entkalkt" name the
same pin. The terms are compared sorted (word order), then joined without spaces (compounds
typed apart: "Kaffee Maschine"), then joined with one typo allowed (two for long queries, none
with digits: "E18" is not "E19"), as near as the search's own spelling correction reaches.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from whoosh.support.levenshtein import damerau_levenshtein

from articles.models import Article, PromotedAnswer, Status
from portal import audit
from portal.caching import for_a_while, forget
from portal.extensions import db
from portal.models import User
from search.analysis import fold, question_words, term, words

PINS = "articles.promoted"
QUERY_MAX = 200
audit.describe("promoted.pinned", _l("Answer promoted for a search"))
audit.describe("promoted.removed", _l("Promoted answer removed"))


class PinError(ValueError):
    """A pin that cannot be saved; the message is for the editor."""


def _terms(query: str, language: str) -> list[str]:
    asked = (word for word in words(query) if fold(word, language) not in question_words(language))
    return [found for found in (term(word, language) for word in asked) if found]


def query_key(query: str, language: str) -> str:
    """The query as the search analyses it, word order aside; empty when no word is left.
    Folding can lengthen a word ("ß" -> "ss"), so the key is cut to what the column holds."""
    return " ".join(sorted(set(_terms(query, language))))[:QUERY_MAX]


def _typos_allowed(joined: str) -> int:
    if any(ch.isdigit() for ch in joined) or len(joined) < 5:
        return 0
    return 2 if len(joined) >= 11 else 1


def _read_pins() -> list[tuple[int, str, str, str, int]]:
    rows = db.session.execute(
        select(
            PromotedAnswer.id,
            PromotedAnswer.language,
            PromotedAnswer.query,
            PromotedAnswer.query_key,
            PromotedAnswer.article_id,
        ).order_by(PromotedAnswer.id)
    ).all()
    return [tuple(row) for row in rows]


def _pins(language: str) -> list[tuple[int, str, str, int]]:
    """This language's pins as (id, query, key, article id); every search asks, so a process
    reads them again only as often as it follows the other nodes' changes."""
    seconds = current_app.config["SEARCH_SYNC_SECONDS"]
    stored = for_a_while(PINS, seconds, _read_pins)[0]
    return [
        (id_, query, key, article) for id_, code, query, key, article in stored if code == language
    ]


def _match(query: str, language: str) -> tuple[int, int] | None:
    """The (pin id, article id) that ``query`` names, or None."""
    pins = _pins(language)
    key = query_key(query, language)
    if not pins or not key:
        return None
    for id_, _, pinned_key, article in pins:
        if pinned_key == key:
            return id_, article
    joined = "".join(_terms(query, language))
    for id_, pinned_query, _, article in pins:
        if "".join(_terms(pinned_query, language)) == joined:
            return id_, article
    allowed = _typos_allowed(joined)
    best, best_distance = None, allowed + 1
    for id_, pinned_query, _, article in pins:
        pinned = "".join(_terms(pinned_query, language))
        if not allowed or pinned[:1] != joined[:1] or abs(len(pinned) - len(joined)) > allowed:
            continue
        distance = damerau_levenshtein(joined, pinned, allowed)
        if distance < best_distance:
            best, best_distance = (id_, article), distance
    return best


def pinned_for(query: str, language: str) -> Article | None:
    """The published article pinned for ``query`` or one of its spelling variants, or None."""
    found = _match(query[:QUERY_MAX], language)
    if found is None:
        return None
    article = db.session.get(Article, found[1])
    if article is None or article.status != Status.PUBLISHED or article.published is None:
        return None
    return article


def pins() -> list[PromotedAnswer]:
    """Every pin, by language and query, for the editors' list."""
    return list(
        db.session.scalars(
            select(PromotedAnswer)
            .options(joinedload(PromotedAnswer.article).joinedload(Article.published))
            .order_by(PromotedAnswer.language, PromotedAnswer.query)
        )
    )


def publishable_articles() -> list[Article]:
    """The articles a pin may name: the published ones, by language and title."""
    found = db.session.scalars(
        select(Article)
        .options(joinedload(Article.published))
        .where(Article.status == Status.PUBLISHED)
    ).all()
    return sorted(found, key=lambda a: (a.language, a.published.title.casefold()))


def pin(query: str, slug: str, user: User | None) -> PromotedAnswer:
    """Pin the published article ``slug`` for ``query`` in the article's language, replacing
    an earlier pin for the same query.

    :raises PinError: the query has no searchable word, or the article is not published.
    """
    article = db.session.scalar(
        select(Article).where(Article.slug == slug, Article.status == Status.PUBLISHED)
    )
    if article is None:
        raise PinError(_l("Please choose a published article."))
    query = " ".join(query.split())[:QUERY_MAX]
    key = query_key(query, article.language)
    if not key:
        raise PinError(_l("Please enter at least one search word, not only words like “how”."))
    found = db.session.scalar(
        select(PromotedAnswer).where(
            PromotedAnswer.query_key == key, PromotedAnswer.language == article.language
        )
    ) or PromotedAnswer(query_key=key, language=article.language)
    found.query, found.article = query, article
    found.created_by_id = user.id if user else None
    db.session.add(found)
    audit.record(user, "promoted.pinned", f"{query} ({article.language})", article.slug)
    db.session.commit()
    forget(PINS)
    return found


def unpin(pin_id: int, user: User | None) -> bool:
    """Remove a pin; False when there was none with that id."""
    found = db.session.get(PromotedAnswer, pin_id)
    if found is None:
        return False
    audit.record(user, "promoted.removed", f"{found.query} ({found.language})", found.article.slug)
    db.session.delete(found)
    db.session.commit()
    forget(PINS)
    return True
