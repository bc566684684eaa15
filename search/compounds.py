"""A light German decompounder: known words, joined directly or by a linking element.

The dictionary is a shipped list of domain words plus the words of the knowledge base itself,
so it stays a few megabytes where general decompounders load hundreds.
"""

from collections.abc import Iterable
from pathlib import Path

from search.analysis import fold, stem

WORD_LIST = Path(__file__).resolve().parent / "data" / "words_de.txt"
MIN_PART = 3
# Linking elements (Fugenelemente) that may join two parts: Heizung-s-wartung, Kunde-n-dienst.
LINKS = ("", "s", "es", "n", "en", "e", "er")
# Endings that look like words to a dictionary but only ever end a single word.
NOT_PARTS = frozenset({"ung", "keit", "heit", "lich", "isch", "chen", "lein", "schaft", "bar"})


def shipped_words() -> list[str]:
    return WORD_LIST.read_text(encoding="utf-8").split()


class Decompounder:
    """Split folded German compounds into parts that the dictionary knows."""

    def __init__(self, words: Iterable[str]):
        self.stems = frozenset(
            stem(folded, "de")
            for folded in (fold(word, "de") for word in words)
            if len(folded) >= MIN_PART and folded not in NOT_PARTS
        )
        self._cache: dict[str, list[str]] = {}

    def _known(self, part: str) -> bool:
        return len(part) >= MIN_PART and part not in NOT_PARTS and stem(part, "de") in self.stems

    def _split(self, word: str) -> list[str]:
        if word in self._cache:
            return self._cache[word]
        found: list[str] = []
        for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head, tail = word[:cut], word[cut:]
            if not self._known(head):
                continue
            for link in LINKS:
                if not tail.startswith(link) or len(tail) - len(link) < MIN_PART:
                    continue
                rest = tail[len(link) :]
                if self._known(rest):
                    found = [head, rest]
                else:
                    deeper = self._split(rest)
                    found = [head, *deeper] if deeper else []
                if found:
                    break
            if found:
                break
        self._cache[word] = found
        return found

    def split(self, word: str) -> list[str]:
        """Return the parts of a folded word, or an empty list when it is no known compound."""
        if len(word) < 2 * MIN_PART or any(ch.isdigit() for ch in word):
            return []
        return self._split(word)
