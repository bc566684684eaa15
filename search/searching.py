"""The search library's entry points: ``search`` for result pages, ``suggest`` as you type.

Costs measured on this machine shaped the order of work: retrieval walks as few posting
lists as it can (one all-text field; all words first, then all but one, then any); where the
words stand is scored afterwards on a few candidates; the spelling corrector runs only for
words the index does not know; phrases only when quoted; counts are estimated when an exact
one would mean counting every match.
"""

from collections.abc import Callable
from dataclasses import replace

from whoosh.query import And, Term

from search.analysis import PREFIX_MAX, PREFIX_MIN, fold, term, words
from search.documents import Hit, Results, Suggestion
from search.index import LanguageIndex, SearchIndex
from search.query import Built, ParsedQuery, QueryBuilder, parse
from search.snippets import snippet
from search.synonyms import Synonyms

RERANK_DEPTH = 30
WEAK_LIMIT = 3
CORRECTED_MIN_LENGTH = 5
GENERIC_SHARE, GENERIC_MIN = 0.6, 20
PLACE_WEIGHTS = {"title_terms": 1.0, "tag_terms": 0.6, "summary_terms": 0.3}
MAX_PAGE = 100
SUGGEST_LIMIT = 8

RankBoost = Callable[[str], float]


def _run(
    index: LanguageIndex,
    built: Built,
    category: str | None,
    page: int,
    per_page: int,
    rank_boost: RankBoost | None,
) -> tuple[int, list[Hit], bool]:
    """The total, the page's hits, and whether the first hit of all answers the query."""
    searcher = index.searcher()
    limit = max(page * per_page, RERANK_DEPTH)
    found = searcher.search(
        built.query,
        limit=limit,
        filter=Term("category", category) if category else None,
        terms=built.partial,
    )
    places = {name: index.column(name) for name in PLACE_WEIGHTS}
    slugs = index.column("slug")

    def placed_terms(docnum: int) -> dict[str, set[str]]:
        return {name: set(places[name][docnum].decode("utf-8").split()) for name in places}

    def weight(docnum: int) -> float:
        placed = placed_terms(docnum)
        weighted = 1.0 + sum(
            share * built.share_in(placed[name]) for name, share in PLACE_WEIGHTS.items()
        )
        return weighted * (rank_boost(slugs[docnum]) if rank_boost else 1.0)

    # Text relevance, weighted by where the words stand, by the boost and, where hits may miss
    # some of what was asked, by the share they hold: the score says the order. iter():
    # sorted() would ask len(found) for a size hint, and that counts every match.
    units = max(1, len(built.units))

    def row(hit) -> tuple[float, float, object]:
        share = built.coverage(hit.matched_terms()) / units if built.partial else 1.0
        return share, hit.score * weight(hit.docnum) * share, hit

    ranked = sorted((row(hit) for hit in iter(found)), key=lambda row: (-row[1], row[2].rank))
    collected = found.scored_length()
    total = collected if collected < limit else max(found.estimated_length(), collected)
    # A query most articles match ("kaputt", which a synonym group makes every fault) answers
    # nothing in particular.
    generic = total > max(GENERIC_MIN, GENERIC_SHARE * searcher.doc_count())
    answered = bool(ranked) and not generic
    if answered:
        share, _, first = ranked[0]
        answered = answers(built, share, set().union(*placed_terms(first.docnum).values()))
    hits = []
    for _, score, hit in ranked[(page - 1) * per_page : page * per_page]:
        fields = hit.fields()
        text, anchor = snippet(
            fields["sections"], fields["summary_text"], built.matcher, built.matcher.wanted
        )
        hits.append(
            Hit(
                slug=fields["slug"],
                language=index.language,
                title=fields["display_title"],
                category=fields.get("category", ""),
                category_name=fields.get("category_name", ""),
                snippet=text,
                anchor=anchor,
                score=round(score, 4),
            )
        )
    return total, hits, answered


def _known(reader, word: str, language: str, synonyms: Synonyms | None) -> bool:
    """Whether the index knows ``word``, itself or through a synonym: only other words are
    worth a "Did you mean"."""
    index_term = term(word, language)
    if index_term is None or any(ch.isdigit() for ch in word):
        return True
    if reader.doc_frequency("text", index_term):
        return True
    if reader.doc_frequency("prefix", fold(word, language)[:PREFIX_MAX]):
        return True
    members = synonyms.alternatives((word,)) if synonyms else []
    return any(
        reader.doc_frequency("text", t)
        for member in members
        for t in (term(w, language) for w in member)
        if t
    )


def _closest(reader, word: str) -> str | None:
    """The indexed word nearest to ``word``, the most frequent among equals; None for short
    words, where one letter makes another word ("tire" is not "time").

    Whoosh's own corrector scores every candidate as if it were ``maxdist`` away.
    """
    if len(word) < CORRECTED_MIN_LENGTH:
        return None
    for distance in (1, 2) if len(word) >= 2 * CORRECTED_MIN_LENGTH else (1,):
        candidates = [
            c for c in reader.terms_within("spell", word, distance, prefix=1) if c != word
        ]
        if candidates:
            return max(candidates, key=lambda c: (reader.frequency("spell", c), c))
    return None


def _respell(index: LanguageIndex, parsed: ParsedQuery, synonyms: Synonyms | None) -> str | None:
    """The query with unknown words replaced by the closest known ones, or None."""
    reader = index.searcher().reader()
    corrected, changed = [], False
    for word in parsed.words:
        known = _known(reader, word, index.language, synonyms)
        best = None if known else _closest(reader, word.lower())
        if best is None:
            corrected.append(word)
            continue
        corrected.append(best[:1].upper() + best[1:] if word[:1].isupper() else best)
        changed = True
    if not changed:
        return None
    return " ".join(corrected + [f'"{" ".join(phrase)}"' for phrase in parsed.phrases])


def _search_one(
    index: LanguageIndex,
    parsed: ParsedQuery,
    synonyms: Synonyms | None,
    category: str | None,
    page: int,
    per_page: int,
    rank_boost: RankBoost | None,
) -> tuple[int, list[Hit], bool]:
    """Hits with every unit when there are any; else the best partial matches, which rank by
    how many units they hold (the caller decides how many of those to show); and whether the
    first of them answers the query."""
    reader = index.searcher().reader()
    builder = QueryBuilder(
        index.language,
        synonyms,
        index.decompounder(),
        known=lambda name, text: reader.doc_frequency(name, text) > 0,
    )
    plan = builder.prepare(parsed)
    for level in ("all", "all_but_one", "any"):
        built = plan.at(level)
        if built is None or built.query is None:
            continue
        total, hits, answered = _run(index, built, category, page, per_page, rank_boost)
        if total:
            return total, hits, answered
    return 0, [], False


def answers(built: Built, coverage: float, placed: set[str]) -> bool:
    """Whether a hit answers the query with confidence: it holds every meaningful word (or a
    synonym, compound part or correction of it), and, when more than one was asked, the
    query's topic stands in its title, tags, summary or headings, not as one stray word in
    the text; a word matched only by its compound parts ("Wasserkocher" as "Wasser" and
    "Kocher") counts only where the parts stand out."""
    if coverage < 1 or built.loose_in(placed):
        return False
    return len(built.units) == 1 or built.share_in(placed) > 0


def _shown(text, language, page, per_page, found: tuple[int, list[Hit], bool], **flags):
    """Results that answer the query as they are; else at most ``WEAK_LIMIT`` weak matches,
    on the first page only."""
    total, hits, answered = found
    if answered:
        return Results(text, language, total, page, per_page, hits, **flags)
    weak = [replace(hit, weak=True) for hit in hits[:WEAK_LIMIT]] if page == 1 else []
    return Results(text, language, len(weak), 1, per_page, weak, answered=False, **flags)


def search(
    index: SearchIndex,
    text: str,
    language: str,
    *,
    category: str | None = None,
    page: int = 1,
    per_page: int = 10,
    synonyms: dict[str, Synonyms] | None = None,
    rank_boost: RankBoost | None = None,
    other_language: str | None = None,
) -> Results:
    """Search ``language``; then a spelling correction of words the index does not know; then
    ``other_language``. ``answered`` says whether the first hit answers the query (see
    :func:`answers`); when nothing does, at most ``WEAK_LIMIT`` weak matches are returned.

    :param synonyms: per language, applied at query time.
    :param rank_boost: multiplies each hit's text score by a factor for its slug (the
        helpfulness blend); applied to the best ``RERANK_DEPTH`` hits.
    :raises IndexUnavailable: when the index is missing or damaged.
    """
    synonyms = synonyms or {}
    page = min(max(page, 1), MAX_PAGE)
    parsed = parse(text)
    if parsed.empty:
        return Results(text, language, 0, page, per_page, answered=False)
    for name in {language, other_language} - {None}:
        index[name].refresh()
    own = index[language]
    arguments = (category, page, per_page, rank_boost)
    found = _search_one(own, parsed, synonyms.get(language), *arguments)
    if found[2]:
        return _shown(text, language, page, per_page, found)
    suggestion = _respell(own, parsed, synonyms.get(language))
    if suggestion:
        fixed = _search_one(own, parse(suggestion), synonyms.get(language), *arguments)
        if fixed[2]:
            return _shown(
                text, language, page, per_page, fixed, suggestion=suggestion, corrected=True
            )
    if other_language:
        other = _search_one(index[other_language], parsed, synonyms.get(other_language), *arguments)
        if other[2] or (other[0] and not found[0]):
            return _shown(text, other_language, page, per_page, other, other_language=True)
    return _shown(text, language, page, per_page, found, suggestion=suggestion)


def suggest(
    index: SearchIndex, text: str, language: str, limit: int = SUGGEST_LIMIT
) -> list[Suggestion]:
    """Titles whose words start with every word typed so far."""
    prefixes = [fold(w, language)[:PREFIX_MAX] for w in words(text)[:6]]
    prefixes = [p for p in prefixes if len(p) >= PREFIX_MIN]
    if not prefixes:
        return []
    index[language].refresh()
    searcher = index[language].searcher()
    found = searcher.search(And([Term("prefix", p) for p in prefixes]), limit=limit)
    return [Suggestion(hit["slug"], language, hit["display_title"]) for hit in found]
