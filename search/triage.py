"""Triage: does what a customer typed describe an emergency, something urgent, or neither?

The portal asks this wherever text comes in (search, booking, phone bookings, an API), so that
a smell of gas or a burst pipe is answered with what to do now instead of search results or a
visit next week. The words and the rules live in ``data/triage.toml``, written for staff to read
and extend; this module only knows how to read a text with them.

A text is first normalised (compatibility forms, invisible characters, look-alike letters from
other scripts, letters spaced apart), then read with the search library's own analysis (folding,
stems, German compounds), so "Gasgeruch", "gas-geruch", "G a s g e r u c h" and "es riecht nach
Gas" meet. A rule names concepts that must occur together in one sentence. The reading errs
toward safety: a negation cancels a concept word only where it negates that word itself ("kein
Gasgeruch", "riecht nicht nach Gas"), never "Keine Ahnung, warum es nach Gas riecht"; and a
danger that is only denied is still named in the verdict as ``possible``, so that the portal can
ask about it. A rule stands back when the sentence says why it is harmless ("ein paar Tropfen").
Nothing here raises for odd input: any text gets a verdict.
"""

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

from search.analysis import (
    LANGUAGES,
    fold,
    latin_lookalikes,
    normalise_codes,
    stem,
    stop_words,
    visible,
)
from search.compounds import MIN_PART, Decompounder, shipped_words

RULES_FILE = Path(__file__).resolve().parent / "data" / "triage.toml"
EMERGENCY, URGENT, NORMAL = "emergency", "urgent", "normal"
SEVERITY = {NORMAL: 0, URGENT: 1, EMERGENCY: 2}
REASONS = ("gas", "carbon_monoxide", "water", "fire", "no_heating")
HEATING_MONTHS = frozenset({10, 11, 12, 1, 2, 3, 4})
SCOPES = ("clause", "sentence", "text")
NEUTRAL = "neutral"
COLD = "{cold}"
# Concept words listed under this key are read in every language (other languages' phrases).
OTHER = "other"
# At most this many other words between two words of a phrase ("hört einfach nicht mehr auf").
PHRASE_GAP = 2
# Listed words this long are matched by typos; a typo may be one letter shorter.
FUZZY_MIN = 6
# Shorter listed words ("Gas") are matched by a typo that keeps their letters: two swapped
# ("Gsa"), one doubled or added ("gaas", "gsas"), or a letter for one that sounds alike ("Gaz").
SHORT_MIN = 3
_SOUNDS_ALIKE = {("s", "z"), ("z", "s"), ("c", "k"), ("k", "c")}
WORDS_KEPT = 20_000  # words read, kept per process
TEXTS_KEPT = 2_000  # verdicts kept per process
# No room is this warm in degrees Celsius; "58 degrees inside" is Fahrenheit.
FAHRENHEIT_ABOVE = 35

_TOKENS = re.compile(
    r"(?P<temperature>-?\d{1,2}(?:[.,]\d)?)\s*(?:°\s*[cf]?\b|°|grad\b|degrees?\b|celsius\b|[cf]\b)"
    r"|(?P<word>\w+)"
    r"|(?P<sentence>(?<!\d)[.!?]+|[.!?]+(?!\d)|[;\n]+)"
    r"|(?P<clause>[,:()–—]|\s-\s)",
    re.IGNORECASE,
)
_CLAUSE_WORDS = {
    "de": frozenset(["und", "aber", "sondern", "jedoch", "doch", "weil", "denn", "obwohl"]),
    "en": frozenset(["and", "but", "because", "although", "though", "however", "yet"]),
}
# Words after which a sentence turns: what was said before does not make harmless what follows.
_CONTRAST_WORDS = {
    "de": frozenset(["aber", "sondern", "jedoch", "doch", "trotzdem", "dennoch", "allerdings"]),
    "en": frozenset(["but", "however", "yet", "still", "nevertheless"]),
}


class RulesError(ValueError):
    """The rules name a concept they do not define, or a level, reason or scope unknown here."""


@dataclass(frozen=True)
class Triage:
    """The verdict on one text: a level, the reason for it, and the words that decided it.

    ``possible`` names the emergency a routine text speaks of only to deny it ("kein
    Gasgeruch"): the reader may be wrong, so the portal asks instead of saying nothing.
    """

    level: str = NORMAL
    reason: str | None = None
    evidence: tuple[str, ...] = ()
    possible: str | None = None


@dataclass
class _Concept:
    modifiers: bool  # counts from any part of a compound, not only the last
    absorbs: bool  # its phrases name something else than their words ("smoke alarm")
    whole_sentence: bool  # as a rule's `none`, it counts anywhere in the sentence
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
    turn: int  # parts of a sentence, split where it turns ("aber", "but")
    stretch: int  # parts of a sentence split by punctuation only; a phrase keeps to one
    in_phrase: bool = False


@dataclass
class _Occurrence:
    concept: str
    positions: frozenset[int]  # of the tokens that make it
    negated: bool = False  # a negation stands right before it: the word itself is denied
    denied: bool = False  # a negation stands shortly before it, in its clause

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
        self.negation_reach = int(source.get("negation_reach", 3))
        self.negations, self.bridges, self.joins = (
            {
                lang: frozenset(fold(word, lang) for word in source.get(key, {}).get(lang, []))
                for lang in LANGUAGES
            }
            for key in ("negations", "negation_bridges", "negation_joins")
        )
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
        self._short_targets: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
        for name, concept in self.concepts.items():
            for lang, words in concept.words.items():
                for word in words if name != NEUTRAL else ():
                    if len(word) >= FUZZY_MIN:
                        self._typo_targets[lang].setdefault(len(word), set()).add(word)
                    elif len(word) >= SHORT_MIN and word.isalpha():
                        self._short_targets[lang].add(word)
        self._read: dict[tuple[str, str], frozenset[str]] = {}

    @staticmethod
    def _concept(spec: dict) -> _Concept:
        concept = _Concept(
            modifiers=bool(spec.get("modifiers", False)),
            absorbs=bool(spec.get("absorbs", False)),
            whole_sentence=bool(spec.get("whole_sentence", False)),
        )
        for lang in LANGUAGES:
            concept.words[lang], concept.stems[lang], concept.phrases[lang] = set(), set(), []
            for entry in [*spec.get(lang, []), *spec.get(OTHER, [])]:
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
        return strongest(
            self._decide(self._tokens(reading, lang), lang, in_season)
            for reading in readings(text)
            for lang in _languages(reading, language)
        )

    def _decide(self, tokens: list[_Token], language: str, in_season: bool) -> Triage:
        """The first rule (they are in order of priority) that some scope of the text meets;
        if none does, the emergency the text would be with its denials read as statements."""
        occurrences = self._occurrences(tokens, language)
        found = self._first_rule(tokens, occurrences, in_season)
        if found.level != NORMAL:
            return found
        for occurrence in occurrences:
            occurrence.negated = False
        doubt = self._first_rule(tokens, occurrences, in_season)
        return Triage(possible=doubt.reason) if doubt.level == EMERGENCY else found

    def _first_rule(
        self, tokens: list[_Token], occurrences: list[_Occurrence], in_season: bool
    ) -> Triage:
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
                denied = {o.concept for o in present if o.denied}
                if not (
                    all(name in said for name in rule.all)
                    and all(name in denied for name in rule.negated)
                ):
                    continue
                named = rule.all + rule.negated
                used = sorted({p for o in present if o.concept in named for p in o.positions})
                if not any(
                    o.concept in rule.none and not o.negated and self._near(tokens, o, used)
                    for o in present
                ):
                    evidence = tuple(dict.fromkeys(tokens[p].surface for p in used))
                    return Triage(rule.level, rule.reason, evidence)
        return Triage()

    def _near(self, tokens: list[_Token], occurrence: _Occurrence, used: list[int]) -> bool:
        """Whether a word that would make the danger harmless speaks of it: in the clause of
        the rule's words; for a concept that tells the whole story (``whole_sentence``:
        repaired, in the past), anywhere after the sentence last turned ("aber") before the
        danger. "Kein Strom in der Küche, Heizung ausgefallen" is a failed heating, not one that
        fails in the kitchen only."""
        if self.concepts[occurrence.concept].whole_sentence:
            last = max(tokens[q].turn for q in used)
            return any(tokens[p].turn == last for p in occurrence.positions)
        clauses = {tokens[q].clause for q in used}
        return any(tokens[p].clause in clauses for p in occurrence.positions)

    # Reading a text into tokens and the concepts they carry ---------------------------------

    def _tokens(self, text: str, language: str) -> list[_Token]:
        tokens: list[_Token] = []
        sentence = clause = stretch = turn = 0
        for match in _TOKENS.finditer(normalise_codes(text)):
            if match["sentence"]:
                sentence, clause, stretch, turn = sentence + 1, clause + 1, stretch + 1, turn + 1
            elif match["clause"]:
                clause, stretch = clause + 1, stretch + 1
            elif match["temperature"]:
                degrees = float(match["temperature"].replace(",", "."))
                if degrees > FAHRENHEIT_ABOVE:
                    degrees = (degrees - 32) * 5 / 9
                if degrees < self.cold_below:
                    tokens.append(_Token(match[0], COLD, COLD, sentence, clause, turn, stretch))
            else:
                folded = fold(match["word"], language)
                clause += folded in _CLAUSE_WORDS[language]
                turn += folded in _CONTRAST_WORDS[language]
                words = [folded]
                if language == "en" and folded in _CONTRACTIONS:
                    words = [_CONTRACTIONS[folded], "t"]
                for word in words:
                    token = _Token(
                        match["word"], word, stem(word, language), sentence, clause, turn, stretch
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
        negated: set[int] = set()
        for occurrence in sorted(kept, key=lambda o: min(o.positions)):
            occurrence.negated, occurrence.denied = self._negated(
                tokens, occurrence, language, negated
            )
            if occurrence.negated:
                negated |= occurrence.positions
        return kept

    def _phrases(self, tokens: list[_Token], language: str) -> Iterator[_Occurrence]:
        for name, concept in self.concepts.items():
            for phrase in concept.phrases[language]:
                for positions in _phrase_matches(tokens, phrase, language):
                    for position in positions:
                        tokens[position].in_phrase = True
                    yield _Occurrence(name, frozenset(positions))

    def _negated(
        self, tokens: list[_Token], occurrence: _Occurrence, language: str, negated: set[int]
    ) -> tuple[bool, bool]:
        """Whether a negation negates the word itself, and whether one stands shortly before.

        Only a negation in the same clause, at most ``negation_reach`` words before, counts,
        and none that belongs to a phrase ("geht nicht" and "nicht sicher" negate nothing).
        It negates the word itself when only bridge words stand between ("kein starker
        Gasgeruch", "riecht nicht mehr nach Gas"), or words it negates joined to this one by
        "oder" ("kein Rauch oder Brandgeruch"); "Keine Ahnung, warum es nach Gas riecht"
        negates the idea, not the gas. ``negated`` holds the positions negated so far.
        """
        negations, bridges = self.negations[language], self.bridges[language]
        if any(tokens[p].folded in negations for p in occurrence.positions):
            return False, False
        position = min(occurrence.positions)
        clause = tokens[position].clause
        itself = denied = False
        for at in range(position - 1, max(-1, position - self.negation_reach - 2), -1):
            token = tokens[at]
            if token.clause != clause:
                break
            if token.folded in negations and not token.in_phrase:
                between = range(at + 1, position)
                joined = any(tokens[p].folded in self.joins[language] for p in between)
                denied = True
                itself = itself or all(
                    tokens[p].folded in bridges
                    or tokens[p].folded in negations
                    or tokens[p].folded in self.joins[language]
                    or (joined and p in negated)
                    for p in between
                )
        return itself, denied

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
        """Concepts of a word read as a typo of a listed word, or of a compound with a typo in
        one part ("gasgeruh", "gaasgeruch"); never for a word the dictionary knows as it is."""
        if stemmed in self._known[language] and not parts:
            return set()
        if len(folded) < FUZZY_MIN - 1:
            near = _short_typo(folded, self._short_targets[language])
            return self._listed(near, stem(near, language), language) if near else set()
        near = _nearest(folded, self._typo_targets[language])
        if near:
            return self._listed(near, stem(near, language), language)
        if language != "de":
            return set()
        for cut in range(MIN_PART, len(folded) - MIN_PART + 1):
            head, tail = folded[:cut], folded[cut:]
            if stem(head, "de") in self.decompounder.stems:
                near = len(tail) >= FUZZY_MIN - 1 and _nearest(tail, self._typo_targets["de"])
                if near:
                    return self._compound([head, near])
            elif (near := _short_typo(head, self._short_targets["de"])) and self._listed(
                tail, stem(tail, "de"), "de"
            ):
                return self._compound([near, tail])
        return set()


def _short_typo(word: str, targets: set[str]) -> str | None:
    """The short target that ``word`` misspells by keeping its letters: two neighbours
    swapped, one letter doubled or added, or one replaced by a letter that sounds alike. The
    first letter stays, as in :func:`_nearest`."""
    for target in sorted(t for t in targets if t[0] == word[0]):
        if len(word) == len(target):
            differ = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
            swapped = (
                len(differ) == 2
                and differ[1] == differ[0] + 1
                and word[differ[0]] == target[differ[1]]
                and word[differ[1]] == target[differ[0]]
            )
            alike = len(differ) == 1 and (word[differ[0]], target[differ[0]]) in _SOUNDS_ALIKE
            if swapped or alike:
                return target
        elif len(word) == len(target) + 1 and any(
            word[:i] + word[i + 1 :] == target for i in range(1, len(word))
        ):
            return target
    return None


# A word broken at the end of a line: "Gas-\nGeruch".
_LINE_BREAK_HYPHEN = re.compile(r"(\w)-[ \t]*\r?\n\s*(\w)")
# Letters written for letters inside a word: "G@sgeruch", "Ga$".
_SYMBOL_LETTERS = re.compile(r"(?<=[^\W\d_])[@$]|[@$](?=[^\W\d_])")
_SYMBOL_LETTER = {"@": "a", "$": "s"}
# Three or more single letters with one space, dot or hyphen between: "G a s", "g.a.s".
_SPACED_LETTERS = re.compile(r"(?<!\w)(?:[^\W\d_][ .\-]){2,}[^\W\d_](?!\w)")


def normalise(text: str) -> str:
    """The text as a reader sees it: compatibility forms folded (full-width letters),
    invisible characters removed, line-break hyphens joined, symbols standing for letters and
    letters from other scripts that look Latin inside a Latin word ("Gаs" with a Cyrillic а)
    replaced by the Latin letters."""
    text = _LINE_BREAK_HYPHEN.sub(r"\1-\2", visible(text))
    text = _SYMBOL_LETTERS.sub(lambda m: _SYMBOL_LETTER[m[0]], text)
    return re.sub(r"\w+", lambda m: _latin_lookalikes(m[0]), text)


def readings(text: str) -> list[str]:
    """The ways of reading ``text``: normalised, and with letters spaced apart joined into
    words ("G a s g e r u c h"), when it has such."""
    text = normalise(text)
    joined = _SPACED_LETTERS.sub(lambda m: re.sub(r"[ .\-]", "", m[0]), text)
    return [text] if joined == text else [text, joined]


def _latin_lookalikes(word: str) -> str:
    """A word that mixes Latin with look-alike letters of other scripts, in Latin letters;
    a word of one script as it is ("газ" stays Russian)."""
    if word.isascii() or not any("a" <= ch.lower() <= "z" for ch in word):
        return word
    return latin_lookalikes(word)


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
    """Triage ``text`` with the shipped rules; see :meth:`Triager.classify`. The same text is
    read once per process and day (a form's fields, its steps, the live check as one types)."""
    return _classified(text, language, today, frozenset(heating_months))


@lru_cache(maxsize=TEXTS_KEPT)
def _classified(text: str, language: str, today: date, heating_months: frozenset[int]) -> Triage:
    return default_triager().classify(text, language, today, heating_months)


def strongest(verdicts: Iterable[Triage]) -> Triage:
    """The most severe of several verdicts; among routine ones, one that asks about a danger."""
    best = Triage()
    for verdict in verdicts:
        if SEVERITY[verdict.level] > SEVERITY[best.level] or (
            verdict.possible and not best.possible and best.level == NORMAL
        ):
            best = verdict
    return best


def classify_fields(
    texts: Iterable[str],
    language: str,
    today: date,
    heating_months: Iterable[int] = HEATING_MONTHS,
) -> Triage:
    """Triage every field a customer filled: each alone (a gas smell typed as the brand), and
    all of them as one sentence (a "Gastherme" in one field, "riecht komisch" in another); the
    strongest verdict wins."""
    filled = [text for text in texts if text and text.strip()]
    read = [*filled, ": ".join(filled)] if len(filled) > 1 else filled
    return strongest(classify(text, language, today, heating_months) for text in read)
