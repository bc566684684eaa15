"""From what a customer typed to a Whoosh query, and to what ranks its hits.

Retrieval uses only the all-text field: each word (or run of words a synonym group knows)
becomes one unit that matches the word, its synonyms and its compound parts; terms the index
does not hold are left out, because every extra branch costs a posting list to walk. Where
a word stands (title, tags, summary) is scored afterwards on the best candidates.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations

from whoosh.query import And, Or, Phrase, Query, Term

from search.analysis import PREFIX_MAX, PREFIX_MIN, fold, question_words, term, words
from search.compounds import Decompounder
from search.synonyms import MAX_MEMBER_WORDS, Synonyms

SYNONYM_BOOST = 0.5
PHRASE_SLOP = 3  # words of a phrase may have this many others between them
MAX_RELAXED_UNITS = 6
MAX_WORDS = 12
_QUOTED = re.compile(r'"([^"]*)"')


@dataclass
class ParsedQuery:
    words: list[str]
    phrases: list[list[str]]

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases


def parse(text: str) -> ParsedQuery:
    """Split a query into free words and "quoted phrases"."""
    phrases = [words(match) for match in _QUOTED.findall(text)]
    rest = _QUOTED.sub(" ", text).replace('"', " ")
    return ParsedQuery(words(rest)[:MAX_WORDS], [p for p in phrases if p][:3])


@dataclass
class Unit:
    """One thing the customer asked for, and the terms that answer it."""

    surface: tuple[str, ...]
    query: Query | None = None
    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    # Terms of compound parts standing in for a word the index does not hold ("Wasserkocher"
    # as "Wasser" and "Kocher"): they answer only where they stand out, not anywhere in a text.
    parts_only: set[str] = field(default_factory=set)


class QueryBuilder:
    """Builds queries for one language with its synonyms, compound splitter and vocabulary.

    :param known: tells whether the index holds a term in a field, so that absent ones are
        left out of the query.
    """

    def __init__(
        self,
        language: str,
        synonyms: Synonyms | None,
        decompounder: Decompounder | None,
        known: Callable[[str, str], bool],
    ):
        self.language = language
        self.synonyms = synonyms
        self.decompounder = decompounder
        self.known = known

    def _word(self, word: str, unit: Unit, main: bool, last: bool) -> Query | None:
        index_term = term(word, self.language)
        if index_term is None:
            return None
        unit.terms.add(index_term)
        alternatives: list[Query] = []
        if self.known("text", index_term):
            alternatives.append(Term("text", index_term))
        folded = fold(word, self.language)
        parts = self.decompounder.split(folded) if self.decompounder and main else []
        part_terms = [t for t in (term(p, self.language) for p in parts) if t]
        if len(part_terms) > 1 and all(self.known("text", t) for t in part_terms):
            unit.terms.update(part_terms)
            if not alternatives:
                unit.parts_only.update(part_terms)
            alternatives.append(And([Term("text", t) for t in part_terms]))
        prefix = folded[:PREFIX_MAX]
        if (
            main
            and last
            and not alternatives
            and len(prefix) >= PREFIX_MIN
            and self.known("prefix", prefix)
        ):
            unit.prefixes.add(prefix)
            alternatives.append(Term("prefix", prefix))
        if not alternatives:
            return None
        return alternatives[0] if len(alternatives) == 1 else Or(alternatives)

    def _member(self, member: tuple[str, ...], unit: Unit, main: bool, last: bool):
        """One way of saying the unit: a word, or a phrase whose words (stop words aside) stand
        close together in that order."""
        if len(member) == 1:
            return self._word(member[0], unit, main, last)
        terms = [t for t in (term(word, self.language) for word in member) if t]
        if not terms or not all(self.known("text", t) for t in terms):
            return None  # a phrase needs all its words
        unit.terms.update(terms)
        return (
            Term("text", terms[0]) if len(terms) == 1 else Phrase("text", terms, slop=PHRASE_SLOP)
        )

    def units(self, found: list[str]) -> list[Unit]:
        """Group the words into units, longest synonym runs first; question words only count
        when nothing else was asked."""
        ignored = question_words(self.language)
        found = [w for w in found if fold(w, self.language) not in ignored] or found
        units, position = [], 0
        while position < len(found):
            for size in range(min(MAX_MEMBER_WORDS, len(found) - position), 0, -1):
                run = tuple(found[position : position + size])
                members = self.synonyms.alternatives(run) if self.synonyms else []
                if members or size == 1:
                    break
            unit = Unit(surface=run)
            last = position + len(run) == len(found)
            queries = []
            for member in members or [run]:
                main = not members or self.synonyms.same(member, run)
                query = self._member(member, unit, main, last)
                if query is not None and main:
                    queries.insert(0, query)
                elif query is not None:
                    query.boost = SYNONYM_BOOST
                    queries.append(query)
            if queries:
                unit.query = queries[0] if len(queries) == 1 else Or(queries)
            if unit.terms:
                units.append(unit)
            position += len(run)
        return units

    def phrase(self, phrase: list[str]) -> tuple[Query | None, set[str]]:
        terms = [t for t in (term(w, self.language) for w in phrase) if t]
        if not terms:
            return None, set()
        if len(terms) == 1:
            return Term("text", terms[0]), set(terms)
        return Phrase("text", terms), set(terms)

    def prepare(self, parsed: ParsedQuery) -> "Plan":
        """Analyse the words once; the plan then yields the query for each level."""
        units = self.units(parsed.words)
        phrases = [self.phrase(p) for p in parsed.phrases]
        matcher = Matcher(self.language, wanted=max(1, len(units) + len(phrases)))
        for unit in units:
            matcher.terms |= unit.terms
            matcher.prefixes |= unit.prefixes
        for _, terms in phrases:
            matcher.terms |= terms
        return Plan(units, [query for query, _ in phrases], matcher)


@dataclass
class Plan:
    """The analysed query: its units, its required phrases, and how to highlight it."""

    units: list[Unit]
    phrases: list[Query | None]
    matcher: "Matcher"

    def at(self, level: str) -> "Built | None":
        """The query at one level of strictness, or None when the level adds nothing.

        ``all``: every unit; ``all_but_one``: any combination missing one unit (a union of
        cheap intersections, so that matching more words still ranks first); ``any``: at
        least one unit, ranked by how many match.
        """
        units, required = self.units, self.phrases
        optional = [unit.query for unit in units if unit.query is not None]
        if level != "all" and len(units) < 2:
            return None
        if level == "all_but_one" and len(units) > MAX_RELAXED_UNITS:
            return None
        if None in required or not units + required:
            query = None  # a phrase cannot match, or nothing was asked
        elif level == "all":
            query = And(required + optional) if len(optional) == len(units) else None
        elif level == "all_but_one":
            combos = (
                [And(list(c)) for c in combinations(optional, len(units) - 1)]
                if len(optional) >= len(units) - 1
                else []
            )
            query = And([*required, Or(combos)]) if combos else None
        else:
            query = And([*required, Or(optional)]) if optional else None
        return Built(query, self.matcher, units, partial=level != "all")


@dataclass
class Built:
    """A query ready to run. ``partial``: hits may match only some of the units."""

    query: Query | None
    matcher: "Matcher"
    units: list[Unit]
    partial: bool = False

    def coverage(self, matched: set[tuple[str, bytes]]) -> int:
        """How many units a hit matched, given Whoosh's (field, term) pairs."""
        found = {(name, text.decode("utf-8")) for name, text in matched}
        texts = {text for name, text in found if name != "prefix"}
        prefixes = {text for name, text in found if name == "prefix"}
        return sum(1 for u in self.units if u.terms & texts or u.prefixes & prefixes)

    def loose_in(self, terms: set[str]) -> bool:
        """Whether a unit matched through compound parts has them nowhere among ``terms``
        (a hit's title, tags, summary and headings)."""
        return any(unit.parts_only and not unit.parts_only <= terms for unit in self.units)

    def share_in(self, terms: set[str]) -> float:
        """The share of units with a term among ``terms`` (a hit's title, tags or summary)."""
        if not self.units:
            return 0.0
        return sum(1 for u in self.units if u.terms & terms) / len(self.units)


@dataclass
class Matcher:
    """Tells whether a word of the text matches the query (for highlighting)."""

    language: str
    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    wanted: int = 1
    _seen: dict[str, bool] = field(default_factory=dict, repr=False)

    def __call__(self, word: str) -> bool:
        known = self._seen.get(word)
        if known is None:
            index_term = term(word, self.language)
            folded = fold(word, self.language)
            known = index_term is not None and (
                index_term in self.terms or any(folded.startswith(p) for p in self.prefixes)
            )
            self._seen[word] = known
        return known
