"""Text analysis for German and English: codes, case, umlauts, stop words and stems.

Every function here is used the same way at index and at query time; that symmetry is what
lets "Spuelmaschine", "Spülmaschine" and "Spulmaschine" meet in one term.
"""

import re
import unicodedata
from functools import cache, lru_cache

from confusable_homoglyphs import confusables
from whoosh.analysis import (
    Filter,
    LowercaseFilter,
    NgramFilter,
    RegexTokenizer,
    StopFilter,
    Tokenizer,
)
from whoosh.lang import stemmer_for_language, stopwords_for_language

LANGUAGES = ("de", "en")
PREFIX_MIN = 3
PREFIX_MAX = 20

# "WM-14N" -> "WM14N", "E-101" -> "E101"; and a lone letter before digits: "E 18" -> "E18".
_HYPHENATED_CODE = re.compile(r"\b([A-Za-z]{1,4})-(\d{1,4}[A-Za-z]{0,2})\b")
_SPACED_CODE = re.compile(r"(?<![\w.])([A-Za-z]) (\d{1,4})\b")
_GERMAN_DIGRAPHS = re.compile(r"(?<!q)(?<!e)(ae|oe|ue)")
_WORD = re.compile(r"\w+", re.UNICODE)


def normalise_codes(text: str) -> str:
    """Join error codes and model numbers into single words."""
    return _SPACED_CODE.sub(r"\1\2", _HYPHENATED_CODE.sub(r"\1\2", text))


def visible(text: str) -> str:
    """The text as it shows: compatibility forms folded (full-width "ＧＡＳ", ligatures) and
    characters that show nothing removed (zero-width spaces and joiners, soft hyphens)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def latin_lookalikes(text: str) -> str:
    """Every letter of another script that looks like a Latin one (a Cyrillic "а"), as that
    Latin letter; for comparing what people type, never for showing it."""
    return "".join(_latin_letter(ch) for ch in text)


@cache
def _latin_letter(char: str) -> str:
    if char.isascii() or unicodedata.name(char, "").startswith("LATIN"):
        return char
    found = confusables.is_confusable(char, preferred_aliases=["latin"], greedy=True) or []
    for entry in found:
        for glyph in entry["homoglyphs"]:
            if glyph["c"].isascii() and glyph["c"].isalpha():
                return glyph["c"]
    return char


def _strip_marks(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


@lru_cache(maxsize=20_000)
def fold(word: str, language: str) -> str:
    """Lower-case and fold spelling variants; German also maps ß->ss and ae/oe/ue->a/o/u."""
    word = word.lower().replace("ß", "ss")
    if language == "de":
        word = _GERMAN_DIGRAPHS.sub(lambda m: m.group(1)[0], word)
    return _strip_marks(word)


def words(text: str) -> list[str]:
    """Split text into words as the tokenizer does, codes joined."""
    return _WORD.findall(normalise_codes(text))


class CodeTokenizer(Tokenizer):
    """A word tokenizer that first joins codes such as "E 18" and "WM-14N"."""

    def __init__(self):
        self.words = RegexTokenizer(r"\w+")

    def __eq__(self, other):
        return type(self) is type(other)

    def __call__(self, value, **kwargs):
        return self.words(normalise_codes(value), **kwargs)


@lru_cache(maxsize=50_000)
def stem(word: str, language: str) -> str:
    """Snowball's stem of a folded word; words with digits (codes) stay whole."""
    if any(ch.isdigit() for ch in word):
        return word
    return stemmer_for_language(language)(word)


class _WordFilter(Filter):
    """Replace each token's text by ``transform(text, language)``, set by subclasses."""

    def __init__(self, language: str):
        self.language = language

    def __eq__(self, other):
        return type(self) is type(other) and self.language == other.language

    def __call__(self, tokens):
        for token in tokens:
            token.text = self.transform(token.text, self.language)
            yield token


class FoldFilter(_WordFilter):
    """Fold spelling variants with :func:`fold`."""

    transform = staticmethod(fold)


class StemFilter(_WordFilter):
    """Snowball stemming that leaves tokens with digits alone."""

    transform = staticmethod(stem)


@lru_cache(maxsize=4)
def stop_words(language: str) -> frozenset[str]:
    return frozenset(fold(word, language) for word in stopwords_for_language(language))


# Words of whole questions ("Heizung verliert Druck, was tun?") and everyday intensifiers
# ("Trockner braucht ewig") that no article needs to contain.
QUESTION_WORDS = {
    "de": "tun mache machen macht kann kannst koennen konnen muss muessen soll sollte bitte "
    "wie warum wieso weshalb wann welche welcher welches hilfe helfen problem "
    "immer staendig dauernd andauernd ewig total komplett voellig ganz gar sehr schon mehr "
    "wieder ploetzlich einfach richtig echt trotzdem heute morgen gestern jetzt seit lange "
    "oft manchmal mal irgendwie eigentlich leider",
    "en": "how what why when which do does can could should must please help problem fix "
    "always still keeps keep constantly suddenly really very all time enough just now today "
    "again anymore",
}


@lru_cache(maxsize=4)
def question_words(language: str) -> frozenset[str]:
    return frozenset(fold(word, language) for word in QUESTION_WORDS[language].split())


def text_analyzer(language: str):
    """Analyzer for searchable text: codes, case, folding, stop words, stems."""
    return (
        CodeTokenizer()
        | LowercaseFilter()
        | FoldFilter(language)
        | StopFilter(stoplist=stop_words(language), minsize=1)
        | StemFilter(language)
    )


def prefix_analyzer(language: str):
    """Analyzer for the edge n-gram field that answers half-typed words."""
    return (
        CodeTokenizer()
        | LowercaseFilter()
        | FoldFilter(language)
        | StopFilter(stoplist=stop_words(language), minsize=PREFIX_MIN)
        | NgramFilter(minsize=PREFIX_MIN, maxsize=PREFIX_MAX, at="start")
    )


def spelling_analyzer(language: str):
    """Analyzer for the spelling field: real words as written, so suggestions read well."""
    return CodeTokenizer() | LowercaseFilter() | StopFilter(stoplist=frozenset(), minsize=3)


def term(word: str, language: str) -> str | None:
    """The index term for one word, or None for a stop word."""
    folded = fold(word, language)
    if not folded or folded in stop_words(language):
        return None
    return stem(folded, language)
