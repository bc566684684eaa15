"""Search for the portal: the search library over the knowledge base, with the database's
plain answer while the index is being built, the search log, and editable synonyms."""

import time
from collections.abc import Hashable
from dataclasses import dataclass, replace

from flask import current_app
from markupsafe import escape
from sqlalchemy import select, update

from articles import catalog, promoted, ranking, suggestions, visitors
from articles.indexing import rebuild_in_background, rebuilding, search_index
from articles.models import Article, SearchQuery, SynonymList
from portal import audit, safety
from portal.caching import for_a_while, forget, kept
from portal.config import SUPPORTED_LANGUAGES
from portal.extensions import db, within_limit
from portal.models import User, utcnow
from search import searching, triage
from search.documents import Hit, Results, Suggestion
from search.index import IndexUnavailable
from search.synonyms import SynonymError, Synonyms, default_text, parsed

QUERY_MAX = 200
KEPT_SEARCHES = 2000  # per process and kind (results pages, suggestions)
SUGGESTIONS_FRESH_SECONDS = 60
SYNONYMS = "articles.synonyms"


def normalise(query: str) -> str:
    return " ".join(query.lower().split())[:QUERY_MAX]


def other_language(language: str) -> str:
    return next(code for code in SUPPORTED_LANGUAGES if code != language)


def synonym_text(language: str) -> str:
    stored = db.session.get(SynonymList, language)
    return stored.text if stored else default_text(language)


def _read_synonym_texts() -> dict[str, str]:
    stored = dict(db.session.execute(select(SynonymList.language, SynonymList.text)).all())
    return {
        code: stored[code] if code in stored else default_text(code) for code in SUPPORTED_LANGUAGES
    }


def _synonym_texts() -> dict[str, str]:
    """Every language's synonym list: every search needs them, so a process reads them again
    only as often as it follows the other nodes' article changes."""
    seconds = current_app.config["SEARCH_SYNC_SECONDS"]
    return for_a_while(SYNONYMS, seconds, _read_synonym_texts)[0]


def _all_synonyms(texts: dict[str, str] | None = None) -> dict[str, Synonyms]:
    texts = texts or _synonym_texts()
    return {code: parsed(text, code) for code, text in texts.items()}


def save_synonyms(texts: dict[str, str], user: User | None) -> dict[str, list[SynonymError]]:
    """Store all languages' synonyms if every line is a valid group; else return bad lines."""
    errors = {language: Synonyms.parse(text, language)[1] for language, text in texts.items()}
    if any(errors.values()):
        return errors
    changed = []
    for language, text in texts.items():
        if text != synonym_text(language):
            changed.append(language)
        stored = db.session.get(SynonymList, language) or SynonymList(language=language)
        stored.text, stored.updated_at = text, utcnow()
        stored.updated_by_id = user.id if user else None
        db.session.add(stored)
    if changed:
        audit.record(user, "synonyms.changed", ", ".join(changed))
    db.session.commit()
    forget(SYNONYMS)
    return {}


def _hit(article: Article) -> Hit:
    """An article as a result without a snippet: the database's answers and pinned ones."""
    section = article.category.parent or article.category
    return Hit(
        slug=article.slug,
        language=article.language,
        title=article.published.title,
        category=section.path,
        category_name=section.name,
        snippet="",
        anchor=None,
        score=0.0,
    )


def _fallback(query: str, language: str, page: int, per_page: int) -> Results:
    """The database's answer: every word in title, summary or text, no ranking beyond titles."""
    found = catalog.plain_search(language, query, limit=per_page * page)
    hits = [_hit(article) for article in found[(page - 1) * per_page :]]
    return Results(query, language, len(found), page, per_page, hits, answered=bool(found))


def _safety_first(results: Results, guide: safety.Guidance | None) -> Results:
    """The first page of an emergency's or an urgent case's results leads with the article on
    what to do now (a cold flat gets the heating breakdown, not a weak match about water)."""
    article = catalog.published_by_slug(guide.article) if guide and guide.article else None
    if article is None or guide.level == safety.POSSIBLE or results.page != 1:
        return results
    others = [hit for hit in results.hits if hit.slug != article.slug]
    total = results.total + (len(others) == len(results.hits))
    # First, with the best score, so that the scores still say the order.
    pinned = replace(_hit(article), score=max((hit.score for hit in others), default=0.0))
    hits = [pinned, *others][: results.per_page]
    return replace(results, total=total, hits=hits, answered=True)


def _log_limit() -> str:
    return current_app.config["SEARCH_LOG_RATE_LIMIT"]


def _promoted_first(results: Results, article: Article | None) -> Results:
    """The pinned answer leads the first page and leaves the places it had elsewhere."""
    if article is None:
        return results
    others = [hit for hit in results.hits if hit.slug != article.slug]
    if results.page != 1:
        return replace(results, hits=others)
    own = next((hit for hit in results.hits if hit.slug == article.slug), None)
    lead = own or replace(_hit(article), snippet=str(escape(article.published.summary or "")))
    # First, with the best score, so that the scores still say the order.
    best = max((hit.score for hit in results.hits), default=0.0)
    lead = replace(lead, score=best, weak=False)
    total = (results.total + (own is None)) if results.answered else 1 + len(others)
    hits = [lead, *others][: results.per_page]
    return replace(results, total=total, hits=hits, answered=True)


@dataclass
class Outcome:
    results: Results
    log_id: int | None
    from_index: bool
    kept_as: Hashable | None = None  # names the results while the process keeps them
    guide: safety.Guidance | None = None  # what to do now, when the query says danger
    promoted: str | None = None  # the slug of the answer editors pinned for the query


def find(
    query: str,
    language: str,
    category: str | None = None,
    page: int = 1,
    per_page: int = 10,
    log: bool = True,
) -> Outcome:
    """Search and, with ``log``, log the search; the log id lets result links record the
    click. A query that describes danger gets what to do now, and the article about it first.

    Results from the index are kept per process for as long as what they rest on stands: this
    node's index (its commits), the synonyms, and the helpfulness scores.
    """
    query = query.strip()[:QUERY_MAX]
    texts = _synonym_texts()
    asked = (query, language, category, page, per_page)
    searches = kept("searches", KEPT_SEARCHES)
    state = _index_state()
    key = (*asked, state, tuple(texts.items()), ranking.scores_stamp())
    results = searches.get(key) if state is not None else None
    from_index = results is not None
    if results is None:
        results, from_index = _search(*asked, _all_synonyms(texts))
        if from_index and state is not None:
            searches.put(key, results)
    verdict = triage.classify(query, language, *safety.season())
    guide = safety.guidance_for(verdict, language)
    pinned = promoted.pinned_for(query, language)
    if pinned is None and results.suggestion:
        pinned = promoted.pinned_for(results.suggestion, language)
    slug = pinned.slug if pinned else None
    kept_as = (key, slug) if from_index and state is not None else None
    results = _safety_first(_promoted_first(results, pinned), guide)
    log_id = None
    if log and normalise(query) and page == 1 and within_limit("search-log", _log_limit()):
        entry = SearchQuery(
            query=normalise(query),
            language=language,
            result_count=results.total,
            answered=results.answered,
            folded=suggestions.query_key(query, language),
            # A search that may carry personal data never counts towards a suggestion.
            searcher=None if suggestions.looks_personal(query) else visitors.searcher_key(),
        )
        db.session.add(entry)
        db.session.flush()
        # Read before the commit expires the entry, which would cost a query to read it back.
        log_id = entry.id
        db.session.commit()
    return Outcome(results, log_id, from_index, kept_as, guide, slug)


def _index_state() -> tuple[int, ...] | None:
    """This node's index as of now (None when it cannot be read): results kept under it stand
    until a commit, whether from this process, another one, or the change log's follower."""
    try:
        return None if rebuilding() else search_index().generations()
    except IndexUnavailable:
        return None


def _search(
    query: str,
    language: str,
    category: str | None,
    page: int,
    per_page: int,
    synonyms: dict[str, Synonyms],
) -> tuple[Results, bool]:
    """The index's results, or the database's while the index is missing or being built;
    True when they came from the index."""
    try:
        if rebuilding():
            raise IndexUnavailable("being rebuilt")
        results = searching.search(
            search_index(),
            query,
            language,
            category=category,
            page=page,
            per_page=per_page,
            synonyms=synonyms,
            other_language=other_language(language),
            rank_boost=ranking.search_boost(),
        )
        return results, True
    except IndexUnavailable:
        rebuild_in_background(current_app._get_current_object())
        return _fallback(query, language, page, per_page), False


def articles_about(text: str, language: str, limit: int = 3) -> list[dict]:
    """Articles that match a free text, such as a problem described while booking; not logged
    as a search; for an emergency only the article on what to do now. Registered for other
    features as ``app.extensions["article_suggestions"]``."""
    verdict = triage.classify(text[:QUERY_MAX], language, *safety.season())
    if verdict.level == triage.EMERGENCY:
        slug = current_app.config["SAFETY_ARTICLES"].get(verdict.reason, {}).get(language)
        article = catalog.published_by_slug(slug) if slug else None
        found = [article] if article else []
        return [{"title": a.published.title, "slug": a.slug, "language": a.language} for a in found]
    synonyms = _all_synonyms()
    try:
        results = searching.search(
            search_index(),
            text[:QUERY_MAX],
            language,
            per_page=limit,
            synonyms=synonyms,
            rank_boost=ranking.search_boost(),
        )
    except IndexUnavailable:
        return []
    if not results.answered:
        return []
    return [
        {"title": hit.title, "slug": hit.slug, "language": hit.language} for hit in results.hits
    ]


def record_click(log_id: int, slug: str, rank: int) -> None:
    """Remember the first result a search led to."""
    db.session.execute(
        update(SearchQuery)
        .where(SearchQuery.id == log_id, SearchQuery.clicked_slug.is_(None))
        .values(clicked_slug=slug[:120], clicked_rank=rank)
    )
    db.session.commit()


@dataclass(frozen=True)
class Suggested:
    """What the search box offers for a half-typed query."""

    titles: list[Suggestion]
    headings: list[suggestions.Heading]
    queries: list[str]


def suggest(text: str, language: str, limit: int = 8) -> Suggested:
    """Article titles, headings and approved or earned searches for a half-typed query.

    Kept per process while the articles stand and for at most a minute, as the search log
    that earned searches come from grows with every search.
    """
    state = _index_state()
    key = (normalise(text), language, limit, state, int(time.time() // SUGGESTIONS_FRESH_SECONDS))
    kept_suggestions = kept("suggestions", KEPT_SEARCHES)
    found = kept_suggestions.get(key) if state is not None else None
    if found is not None:
        return found
    try:
        titles = searching.suggest(search_index(), text, language, limit=limit)
    except IndexUnavailable:
        rebuild_in_background(current_app._get_current_object())
        titles = None
    queries = suggestions.public_queries(language, text, max(0, min(3, limit - len(titles or []))))
    room = max(0, min(3, limit - len(titles or []) - len(queries)))
    shown = suggestions.headings(text, language, catalog.last_change()[0], room)
    found = Suggested(titles or [], shown, queries)
    if titles is not None:
        kept_suggestions.put(key, found)
    return found
