"""From what a customer typed to a Whoosh query.

Each word (or run of words that a synonym group knows) becomes one unit: the word in every
text field with its boost, its synonyms, its compound parts, and its prefix in titles.
All units are required first; any unit is enough only when that finds nothing.
"""

import re
from dataclasses import dataclass, field

from whoosh.query import And, Or, Phrase, Query, Term

from search.analysis import PREFIX_MAX, PREFIX_MIN, fold, question_words, term, words
from search.compounds import Decompounder
from search.synonyms import MAX_MEMBER_WORDS, Synonyms

FIELD_BOOSTS = {
    "title": 4.0,
    "tags": 3.0,
    "summary": 2.0,
    "headings": 1.5,
    "body": 1.0,
}
PREFIX_BOOST = 1.0
SYNONYM_BOOST = 0.5
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
    query: Query
    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)


class QueryBuilder:
    """Builds queries for one language with its synonyms and compound splitter."""

    def __init__(self, language: str, synonyms: Synonyms | None, decompounder: Decompounder | None):
        self.language = language
        self.synonyms = synonyms
        self.decompounder = decompounder

    def _word(self, word: str, unit: Unit) -> Query | None:
        index_term = term(word, self.language)
        if index_term is None:
            return None
        unit.terms.add(index_term)
        alternatives: list[Query] = [
            Term(name, index_term, boost=boost) for name, boost in FIELD_BOOSTS.items()
        ]
        folded = fold(word, self.language)
        parts = self.decompounder.split(folded) if self.decompounder else []
        part_terms = [t for t in (term(p, self.language) for p in parts) if t]
        if len(part_terms) > 1:
            unit.terms.update(part_terms)
            alternatives.append(
                And(
                    [Or([Term(n, t, boost=b) for n, b in FIELD_BOOSTS.items()]) for t in part_terms]
                )
            )
        if len(folded) >= PREFIX_MIN and not folded.isdigit():
            unit.prefixes.add(folded[:PREFIX_MAX])
            alternatives.append(Term("prefix", folded[:PREFIX_MAX], boost=PREFIX_BOOST))
        return Or(alternatives)

    def _member(self, member: tuple[str, ...], unit: Unit) -> Query | None:
        parts = [q for q in (self._word(w, unit) for w in member) if q is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(parts)

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
            unit = Unit(surface=run, query=None)
            queries = []
            for member in members or [run]:
                query = self._member(member, unit)
                if query is not None and self.synonyms and self.synonyms.same(member, run):
                    queries.insert(0, query)
                elif query is not None:
                    query.boost = SYNONYM_BOOST
                    queries.append(query)
            if queries:
                unit.query = queries[0] if len(queries) == 1 else Or(queries)
                units.append(unit)
            position += len(run)
        return units

    def phrase(self, phrase: list[str]) -> tuple[Query | None, set[str]]:
        terms = [t for t in (term(w, self.language) for w in phrase) if t]
        if not terms:
            return None, set()
        if len(terms) == 1:
            return Or([Term(n, terms[0], boost=b) for n, b in FIELD_BOOSTS.items()]), set(terms)
        return Or([Phrase("title", terms, boost=4.0), Phrase("body", terms)]), set(terms)

    def build(self, parsed: ParsedQuery, require_all: bool) -> "Built":
        """Return the query, what its matches look like (for snippets), and its units."""
        units = self.units(parsed.words)
        phrases = [self.phrase(p) for p in parsed.phrases]
        matcher = Matcher(self.language)
        for unit in units:
            matcher.terms |= unit.terms
            matcher.prefixes |= unit.prefixes
        for _, terms in phrases:
            matcher.terms |= terms
        required = [q for q, _ in phrases if q is not None]
        optional = [unit.query for unit in units]
        if not required and not optional:
            query = None
        elif require_all or not optional:
            query = And(required + optional)
        else:
            either = Or(optional)
            query = And([*required, either]) if required else either
        return Built(query, matcher, [] if require_all else units)


@dataclass
class Built:
    """A query ready to run; ``units`` is set when hits may match only some of them."""

    query: Query | None
    matcher: "Matcher"
    units: list[Unit]

    def coverage(self, matched: set[tuple[str, bytes]]) -> int:
        """How many units a hit matched, given Whoosh's (field, term) pairs."""
        found = {(name, text.decode("utf-8")) for name, text in matched}
        words = {text for name, text in found if name != "prefix"}
        prefixes = {text for name, text in found if name == "prefix"}
        return sum(1 for u in self.units if u.terms & words or u.prefixes & prefixes)


@dataclass
class Matcher:
    """Tells whether a word of the text matches the query (for highlighting)."""

    language: str
    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)

    def __call__(self, word: str) -> bool:
        index_term = term(word, self.language)
        if index_term is None:
            return False
        if index_term in self.terms:
            return True
        folded = fold(word, self.language)
        return any(folded.startswith(prefix) for prefix in self.prefixes)
