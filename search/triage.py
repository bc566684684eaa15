"""Triage: does what a customer typed describe an emergency, something urgent, or neither?

The portal asks this wherever text comes in (search, booking, phone bookings, an API), so that
a smell of gas or a burst pipe is answered with what to do now instead of search results or a
visit next week. The words and the rules live in ``data/triage.toml``, written for staff to read
and extend; this module only knows how to read a text with them.

A text is read with the search library's own analysis (folding, stems, German compounds), so
"Gasgeruch", "gas-geruch" and "es riecht nach Gas" meet. A rule names concepts that must occur
together in one sentence; a concept word shortly after a negation ("kein Gasgeruch") does not
count, and a rule stands back when the sentence says why it is harmless ("ein paar Tropfen").
Nothing here raises for odd input: any text gets a verdict.
"""

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from search.analysis import LANGUAGES, fold, normalise_codes, stem, stop_words
from search.compounds import MIN_PART, Decompounder, shipped_words

RULES_FILE = Path(__file__).resolve().parent / "data" / "triage.toml"
EMERGENCY, URGENT, NORMAL = "emergency", "urgent", "normal"
SEVERITY = {NORMAL: 0, URGENT: 1, EMERGENCY: 2}
REASONS = ("gas", "carbon_monoxide", "water", "fire", "no_heating")
HEATING_MONTHS = frozenset({10, 11, 12, 1, 2, 3, 4})
SCOPES = ("clause", "sentence", "text")
NEUTRAL = "neutral"
COLD = "{cold}"
# A negation up to this many words before a concept word, in its clause, cancels it
# ("es riecht nicht nach Gas oder verbrannt").
NEGATION_REACH = 5
# At most this many other words between two words of a phrase ("hört einfach nicht mehr auf").
PHRASE_GAP = 2
# Listed words this long are matched by typos; a typo may be one letter shorter.
FUZZY_MIN = 6
WORDS_KEPT = 20_000  # words read, kept per process
# No room is this warm in degrees Celsius; "58 degrees inside" is Fahrenheit.
FAHRENHEIT_ABOVE = 35

_TOKENS = re.compile(
    r"(?P<temperature>-?\d{1,2}(?:[.,]\d)?)\s*(?:°\s*[cf]?\b|°|grad\b|degrees?\b|celsius\b)"
    r"|(?P<word>\w+)"
    r"|(?P<sentence>(?<!\d)[.!?]+|[;\n]+)"
    r"|(?P<clause>[,:()–—]|\s-\s)",
    re.IGNORECASE,
)
_CLAUSE_WORDS = {
    "de": frozenset(["und", "aber", "sondern", "jedoch", "doch", "weil", "denn", "obwohl"]),
    "en": frozenset(["and", "but", "because", "although", "though", "however", "yet"]),
}


class RulesError(ValueError):
    """The rules name a concept they do not define, or a level, reason or scope unknown here."""


@dataclass(frozen=True)
class Triage:
    """The verdict on one text: a level, the reason for it, and the words that decided it."""

    level: str = NORMAL
    reason: str | None = None
    evidence: tuple[str, ...] = ()


@dataclass
class _Concept:
    modifiers: bool  # counts from any part of a compound, not only the last
    absorbs: bool  # its phrases name something else than their words ("smoke alarm")
    words: dict[str, set[str]] = field(default_factory=dict)  # language -> folded words
    stems: dict[str, set[str]] = field(default_factory=dict)
    phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Rule:
    level: str
    reason: str
    all: tuple[str, ...]
    none: tuple[str, ...]
    negated: tuple[str, ...]
    scope: str
    heating_season: bool


@dataclass
class _Token:
    surface: str
    folded: str
    stem: str
    sentence: int
    clause: int  # parts of a sentence, split by commas and by words such as "und", "but"
    stretch: int  # parts of a sentence split by punctuation only; a phrase keeps to one
    in_phrase: bool = False


@dataclass
class _Occurrence:
    concept: str
    positions: frozenset[int]  # of the tokens that make it
    negated: bool = False

    def within(self, other: "_Occurrence") -> bool:
        """Whether this is part of a longer phrase written as one ("smoke" in "smoke alarm")."""
        return (
            self.positions < other.positions
            and max(other.positions) - min(other.positions) == len(other.positions) - 1
        )


# Words after which a phrase goes on at once.
_NEGATIONS_IN_PHRASES = frozenset(["nicht", "kein", "keine", "keinen", "not", "no", "t"])
# English contractions typed without the apostrophe: "cant" reads as "can't".
_CONTRACTIONS = {"cant": "can", "wont": "won", "dont": "don", "doesnt": "doesn", "didnt": "didn"}
_CONTRACTIONS |= {"isnt": "isn", "arent": "aren", "wasnt": "wasn", "couldnt": "couldn"}


def _folded_words(text: str, language: str) -> list[str]:
    return [fold(word, language) for word in re.findall(r"\w+", text)]


class Triager:
    """Classifies texts by one set of rules, as ``data/triage.toml`` writes them.

    :raises RulesError: when the rules do not hold together.
    """

    def __init__(self, source: dict):
        self.cold_below = float(source.get("cold_below", 18))
        negations = source.get("negations", {})
        self.negations = {
            lang: frozenset(fold(word, lang) for word in negations.get(lang, []))
            for lang in LANGUAGES
        }
        self.concepts = {
            name: self._concept(spec) for name, spec in source.get("concepts", {}).items()
        }
        self.rules = [self._rule(spec) for spec in source.get("rule", [])]
        listed = [w for c in self.concepts.values() for ws in c.words.values() for w in ws]
        self.decompounder = Decompounder([*shipped_words(), *listed])
        self._known = {
            lang: self.decompounder.stems
            | stop_words(lang)
            | {s for c in self.concepts.values() for s in c.stems[lang]}
            for lang in LANGUAGES
        }
        self._typo_targets: dict[str, dict[int, set[str]]] = {lang: {} for lang in LANGUAGES}
        for name, concept in self.concepts.items():
            for lang, words in concept.words.items():
                for word in words if name != NEUTRAL else ():
                    if len(word) >= FUZZY_MIN:
                        self._typo_targets[lang].setdefault(len(word), set()).add(word)
        self._read: dict[tuple[str, str], frozenset[str]] = {}

    @staticmethod
    def _concept(spec: dict) -> _Concept:
        concept = _Concept(
            modifiers=bool(spec.get("modifiers", False)), absorbs=bool(spec.get("absorbs", False))
        )
        for lang in LANGUAGES:
            concept.words[lang], concept.stems[lang], concept.phrases[lang] = set(), set(), []
            for entry in spec.get(lang, []):
                words = [COLD] if entry == COLD else _folded_words(entry, lang)
                if len(words) == 1:
                    concept.words[lang].add(words[0])
                    concept.stems[lang].add(stem(words[0], lang))
                elif words:
                    concept.phrases[lang].append(tuple(words))
        return concept

    def _rule(self, spec: dict) -> _Rule:
        rule = _Rule(
            level=spec.get("level", ""),
            reason=spec.get("reason", ""),
            all=tuple(spec.get("all", ())),
            none=tuple(spec.get("none", ())),
            negated=tuple(spec.get("negated", ())),
            scope=spec.get("scope", "sentence"),
            heating_season=spec.get("season") == "heating",
        )
        unknown = [n for n in rule.all + rule.none + rule.negated if n not in self.concepts]
        if unknown:
            raise RulesError(f"rule {spec!r} names unknown concepts: {', '.join(unknown)}")
        if not (rule.all or rule.negated) or rule.scope not in SCOPES:
            raise RulesError(f"rule {spec!r} needs concepts and a known scope")
        if rule.level not in (EMERGENCY, URGENT) or rule.reason not in REASONS:
            raise RulesError(f"rule {spec!r} has an unknown level or reason")
        return rule

    def classify(
        self, text: str, language: str, today: date, heating_months: Iterable[int] = HEATING_MONTHS
    ) -> Triage:
        """Triage ``text``, written in ``language`` or, if its words say so, the other one.

        :param today: decides whether it is the heating season, when no heating is urgent.
        :param heating_months: the months (1-12) of the heating season.
        """
        in_season = today.month in frozenset(heating_months)
        best = Triage()
        for lang in _languages(text, language):
            verdict = self._decide(self._tokens(text, lang), lang, in_season)
            if SEVERITY[verdict.level] > SEVERITY[best.level]:
                best = verdict
        return best

    def _decide(self, tokens: list[_Token], language: str, in_season: bool) -> Triage:
        """The first rule (they are in order of priority) that some scope of the text meets."""
        occurrences = self._occurrences(tokens, language)
        for rule in self.rules:
            if rule.heating_season and not in_season:
                continue
            scopes: dict[int, list[_Occurrence]] = defaultdict(list)
            for occurrence in occurrences:
                token = tokens[min(occurrence.positions)]
                key = {"clause": token.clause, "sentence": token.sentence}.get(rule.scope, 0)
                scopes[key].append(occurrence)
            for present in scopes.values():
                said = {o.concept for o in present if not o.negated}
                denied = {o.concept for o in present if o.negated}
                if (
                    all(name in said for name in rule.all)
                    and all(name in denied for name in rule.negated)
                    and not any(name in said for name in rule.none)
                ):
                    named = rule.all + rule.negated
                    used = sorted({p for o in present if o.concept in named for p in o.positions})
                    evidence = tuple(dict.fromkeys(tokens[p].surface for p in used))
                    return Triage(rule.level, rule.reason, evidence)
        return Triage()

    # Reading a text into tokens and the concepts they carry ---------------------------------

    def _tokens(self, text: str, language: str) -> list[_Token]:
        tokens: list[_Token] = []
        sentence = clause = stretch = 0
        for match in _TOKENS.finditer(normalise_codes(text)):
            if match["sentence"]:
                sentence, clause, stretch = sentence + 1, clause + 1, stretch + 1
            elif match["clause"]:
                clause, stretch = clause + 1, stretch + 1
            elif match["temperature"]:
                degrees = float(match["temperature"].replace(",", "."))
                if degrees > FAHRENHEIT_ABOVE:
                    degrees = (degrees - 32) * 5 / 9
                if degrees < self.cold_below:
                    tokens.append(_Token(match[0], COLD, COLD, sentence, clause, stretch))
            else:
                folded = fold(match["word"], language)
                if folded in _CLAUSE_WORDS[language]:
                    clause += 1
                words = [folded]
                if language == "en" and folded in _CONTRACTIONS:
                    words = [_CONTRACTIONS[folded], "t"]
                for word in words:
                    token = _Token(
                        match["word"], word, stem(word, language), sentence, clause, stretch
                    )
                    tokens.append(token)
        return tokens

    def _occurrences(self, tokens: list[_Token], language: str) -> list[_Occurrence]:
        found = list(
            {(o.concept, o.positions): o for o in self._phrases(tokens, language)}.values()
        )
        for position, token in enumerate(tokens):
            for name in self._word(token.folded, token.stem, language):
                found.append(_Occurrence(name, frozenset({position})))
        absorbing = [o for o in found if self.concepts[o.concept].absorbs]
        kept = [o for o in found if not any(o.within(other) for other in absorbing)]
        for occurrence in kept:
            occurrence.negated = self._negated(tokens, occurrence, language)
        return kept

    def _phrases(self, tokens: list[_Token], language: str) -> Iterator[_Occurrence]:
        for name, concept in self.concepts.items():
            for phrase in concept.phrases[language]:
                for positions in _phrase_matches(tokens, phrase, language):
                    for position in positions:
                        tokens[position].in_phrase = True
                    yield _Occurrence(name, frozenset(positions))

    def _negated(self, tokens: list[_Token], occurrence: _Occurrence, language: str) -> bool:
        """Whether a negation stands shortly before, in the same clause, and belongs to no
        phrase ("geht nicht" and "nicht sicher" negate nothing, nor are they negated)."""
        negations = self.negations[language]
        if any(tokens[p].folded in negations for p in occurrence.positions):
            return False
        position = min(occurrence.positions)
        return any(
            token.clause == tokens[position].clause
            and not token.in_phrase
            and token.folded in negations
            for token in tokens[max(0, position - NEGATION_REACH) : position]
        )

    def _word(self, folded: str, stemmed: str, language: str) -> frozenset[str]:
        """The concepts of one word, read once per process."""
        key = (folded, language)
        if key not in self._read:
            if len(self._read) >= WORDS_KEPT:
                self._read.clear()
            self._read[key] = frozenset(self._read_word(folded, stemmed, language))
        return self._read[key]

    def _read_word(self, folded: str, stemmed: str, language: str) -> set[str]:
        """As listed; else from the parts of a compound; else as a typo of a listed word."""
        listed = self._listed(folded, stemmed, language)
        if listed or folded == COLD:
            return listed
        parts = self.decompounder.split(folded) if language == "de" else []
        return (parts and self._compound(parts)) or self._typo(folded, stemmed, language, parts)

    def _listed(self, folded: str, stemmed: str, language: str) -> set[str]:
        """Concepts listing the word as written; only if none does, those listing its stem
        (so "Brenner" stays a burner although it shares the stem of "brennen")."""
        exact = {name for name, c in self.concepts.items() if folded in c.words[language]}
        return exact or {name for name, c in self.concepts.items() if stemmed in c.stems[language]}

    def _compound(self, parts: list[str]) -> set[str]:
        found = [self._listed(part, stem(part, "de"), "de") for part in parts]
        concepts = set(found[-1]) - {NEUTRAL}
        if any(NEUTRAL in part for part in found):
            return concepts
        for modifier in found[:-1]:
            concepts |= {name for name in modifier if self.concepts[name].modifiers}
        return concepts

    def _typo(self, folded: str, stemmed: str, language: str, parts: list[str]) -> set[str]:
        """Concepts of a word read as a typo of a listed word, or of a compound whose last
        part has one ("gasgeruh"); never for a word the dictionary knows as it is."""
        if len(folded) < FUZZY_MIN - 1 or (stemmed in self._known[language] and not parts):
            return set()
        near = _nearest(folded, self._typo_targets[language])
        if near:
            return self._listed(near, stem(near, language), language)
        if language != "de":
            return set()
        for cut in range(MIN_PART, len(folded) - FUZZY_MIN + 2):
            head, tail = folded[:cut], folded[cut:]
            near = stem(head, "de") in self.decompounder.stems and _nearest(
                tail, self._typo_targets["de"]
            )
            if near:
                return self._compound([head, near])
        return set()


def _languages(text: str, hint: str) -> list[str]:
    """The text's language by its stop words; both when they do not tell (a few keywords),
    the page's language first."""
    words = [word.lower() for word in re.findall(r"\w+", text)]
    counts = {lang: sum(fold(w, lang) in stop_words(lang) for w in words) for lang in LANGUAGES}
    ranked = sorted(LANGUAGES, key=lambda lang: (-counts[lang], lang != hint))
    return ranked[:1] if counts[ranked[0]] > counts[ranked[1]] else ranked


def _phrase_matches(tokens: list[_Token], phrase: tuple[str, ...], language: str):
    """Positions of the phrase's words, in order, between two punctuation marks, at most
    ``PHRASE_GAP`` words apart, and right after a negation ("nicht nur" is not "nicht nach
    Gas, nur")."""
    stems = [stem(word, language) for word in phrase]

    def same(position: int, index: int) -> bool:
        token = tokens[position]
        return token.folded == phrase[index] or token.stem == stems[index]

    for start, token in enumerate(tokens):
        if not same(start, 0):
            continue
        positions = [start]
        for index in range(1, len(phrase)):
            gap = 0 if phrase[index - 1] in _NEGATIONS_IN_PHRASES else PHRASE_GAP
            following = range(positions[-1] + 1, min(positions[-1] + 2 + gap, len(tokens)))
            found = next(
                (p for p in following if tokens[p].stretch == token.stretch and same(p, index)),
                None,
            )
            if found is None:
                break
            positions.append(found)
        else:
            yield positions


def _nearest(word: str, targets: dict[int, set[str]]) -> str | None:
    """The target one edit away (two for long words), by Damerau-Levenshtein distance. Typos
    rarely hit the first letter, and allowing it would read "braucht" as "raucht"."""
    allowed = 2 if len(word) >= 11 else 1
    best, best_distance = None, allowed + 1
    for length in range(len(word) - allowed, len(word) + allowed + 1):
        for target in sorted(t for t in targets.get(length, ()) if t[0] == word[0]):
            distance = _distance(word, target, allowed)
            if distance < best_distance:
                best, best_distance = target, distance
    return best


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, giving up once it exceeds ``limit``."""
    before_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], before_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before_previous, previous = previous, current
    return previous[-1]


@cache
def default_triager() -> Triager:
    """The triager for the shipped rules, built once per process."""
    with RULES_FILE.open("rb") as handle:
        return Triager(tomllib.load(handle))


def classify(
    text: str, language: str, today: date, heating_months: Iterable[int] = HEATING_MONTHS
) -> Triage:
    """Triage ``text`` with the shipped rules; see :meth:`Triager.classify`."""
    return default_triager().classify(text, language, today, heating_months)
