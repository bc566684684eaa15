"""The search library's entry points: ``search`` for result pages, ``suggest`` as you type.

Costs measured on this machine shaped the order of work: retrieval walks as few posting
lists as it can (one all-text field; all words first, then all but one, then any); where the
words stand is scored afterwards on a few candidates; the spelling corrector runs only for
words the index does not know; phrases only when quoted; counts are estimated when an exact
one would mean counting every match.
"""

from collections.abc import Callable

from whoosh.query import And, Term

from search.analysis import PREFIX_MAX, PREFIX_MIN, fold, term, words
from search.documents import Hit, Results, Suggestion
from search.index import LanguageIndex, SearchIndex
from search.query import Built, ParsedQuery, QueryBuilder, parse
from search.snippets import snippet
from search.synonyms import Synonyms

RERANK_DEPTH = 30
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
) -> tuple[int, list[Hit]]:
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

    def weight(docnum: int) -> float:
        placed = 1.0 + sum(
            share * built.share_in(set(places[name][docnum].decode("utf-8").split()))
            for name, share in PLACE_WEIGHTS.items()
        )
        return placed * (rank_boost(slugs[docnum]) if rank_boost else 1.0)

    # Matching more of what was asked comes first; then text relevance, weighted by where
    # the words stand and by the boost. iter(): sorted() would ask len(found) for a size
    # hint, and that counts every match.
    ranked = sorted(
        (
            (
                built.coverage(hit.matched_terms()) if built.partial else 0,
                hit.score * weight(hit.docnum),
                hit,
            )
            for hit in iter(found)
        ),
        key=lambda row: (-row[0], -row[1], row[2].rank),
    )
    collected = found.scored_length()
    total = collected if collected < limit else max(found.estimated_length(), collected)
    hits = []
    units = max(1, len(built.units))
    for matched, score, hit in ranked[(page - 1) * per_page : page * per_page]:
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
                coverage=matched / units if built.partial else 1.0,
            )
        )
    return total, hits


def _known(reader, word: str, language: str) -> bool:
    index_term = term(word, language)
    if index_term is None or any(ch.isdigit() for ch in word):
        return True
    if reader.doc_frequency("text", index_term):
        return True
    return bool(reader.doc_frequency("prefix", fold(word, language)[:PREFIX_MAX]))


def _closest(reader, word: str) -> str | None:
    """The indexed word nearest to ``word``, the most frequent among equals.

    Whoosh's own corrector scores every candidate as if it were ``maxdist`` away.
    """
    for distance in (1, 2):
        candidates = [
            c for c in reader.terms_within("spell", word, distance, prefix=1) if c != word
        ]
        if candidates:
            return max(candidates, key=lambda c: (reader.frequency("spell", c), c))
    return None


def _respell(index: LanguageIndex, parsed: ParsedQuery) -> str | None:
    """The query with unknown words replaced by the closest known ones, or None."""
    reader = index.searcher().reader()
    corrected, changed = [], False
    for word in parsed.words:
        best = None if _known(reader, word, index.language) else _closest(reader, word.lower())
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
) -> tuple[int, list[Hit]]:
    reader = index.searcher().reader()
    builder = QueryBuilder(
        index.language,
        synonyms,
        index.decompounder(),
        known=lambda name, text: reader.doc_frequency(name, text) > 0,
    )
    # All words first; then all but one; then any. Each level holds the one before and ranks
    # by how many words match, so a level that cannot fill the page hands on to the next.
    plan = builder.prepare(parsed)
    best: tuple[int, list[Hit]] = (0, [])
    for level in ("all", "all_but_one", "any"):
        built = plan.at(level)
        if built is None or built.query is None:
            continue
        total, hits = _run(index, built, category, page, per_page, rank_boost)
        if total > best[0]:
            best = (total, hits)
        if total >= page * per_page:
            break
    return best


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
    """Search ``language``; fall back to ``other_language``, then to a spelling correction.

    :param synonyms: per language, applied at query time.
    :param rank_boost: multiplies each hit's text score by a factor for its slug (the
        helpfulness blend); applied to the best ``RERANK_DEPTH`` hits.
    :raises IndexUnavailable: when the index is missing or damaged.
    """
    synonyms = synonyms or {}
    page = min(max(page, 1), MAX_PAGE)
    parsed = parse(text)
    if parsed.empty:
        return Results(query=text, language=language, total=0, page=page, per_page=per_page)
    for name in {language, other_language} - {None}:
        index[name].refresh()
    own = index[language]
    arguments = (category, page, per_page, rank_boost)
    total, hits = _search_one(own, parsed, synonyms.get(language), *arguments)
    if total:
        return Results(text, language, total, page, per_page, hits, _respell(own, parsed))
    if other_language:
        total, hits = _search_one(
            index[other_language], parsed, synonyms.get(other_language), *arguments
        )
        if total:
            return Results(text, other_language, total, page, per_page, hits, other_language=True)
    suggestion = _respell(own, parsed)
    if suggestion:
        total, hits = _search_one(own, parse(suggestion), synonyms.get(language), *arguments)
        if total:
            return Results(text, language, total, page, per_page, hits, suggestion, True)
    return Results(text, language, 0, page, per_page, [], suggestion)


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
