"""Metamorphic variants of emergency texts: changes that must never lower the triage level.

An unrelated clause (with or without a negation) before or after the text, joined by a comma,
"und", "aber", a dash or a line break; the text inside a long booking note; other case; umlauts
written as plain vowels; punctuation or hyphens dropped. Used by the tests (through Hypothesis)
and by ``bench/triage.py`` (all of them, counted).
"""

import re
import tomllib
from pathlib import Path

HERE = Path(__file__).parent
SETS = ("triage_cases", "triage_holdout", "triage_final")
GROUP_SETS = ("triage_doubt", "triage_doubt_holdout")

CLAUSES = {
    "de": (
        "Kein Strom in der Küche",
        "ich bin nicht zu Hause",
        "Keine Ahnung, was los ist",
        "Vermieter ist nicht erreichbar",
        "Termin bitte nicht vor 10 Uhr",
        "ich weiß nicht weiter",
        "bitte schnell melden",
        "die Rechnung kommt später",
        "Kinder sind im Haus",
        "nicht dringend?",
        "Modell weiß ich nicht",
        "meine Nummer ist 0170 1234567",
        "wohne im 3. Stock",
        "die Waschmaschine ist neu",
        "kein Aufzug im Haus",
    ),
    "en": (
        "no power in the kitchen",
        "I'm not at home",
        "no idea what is going on",
        "the landlord is not answering",
        "please not before 10",
        "I don't know what to do",
        "please call back soon",
        "kids are in the house",
        "model unknown",
        "not sure it matters",
        "I live on the 3rd floor",
        "the invoice can wait",
    ),
}
JOINS = {
    "de": (", ", " und ", " aber ", "\n", ". ", " - "),
    "en": (", ", " and ", " but ", "\n", ". ", " - "),
}
GREETINGS = {"de": ("Guten Tag,", "Danke."), "en": ("Hello,", "Thanks.")}
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U"})


def seeds() -> list[tuple[str, str, str]]:
    """Every emergency and urgent text of the phrasing sets: (text, language, level)."""
    found = []
    for name in SETS:
        with (HERE / f"{name}.toml").open("rb") as handle:
            for case in tomllib.load(handle)["case"]:
                if case["level"] != "normal":
                    found.append((case["text"], case["lang"], case["level"]))
    for name in GROUP_SETS:
        with (HERE / f"{name}.toml").open("rb") as handle:
            for group in tomllib.load(handle)["group"]:
                if group["level"] != "normal":
                    found += [(text, group["lang"], group["level"]) for text in group["texts"]]
    return found


def with_clause(text: str, clause: str, join: str, before: bool) -> str:
    return f"{clause}{join}{text}" if before else f"{text}{join}{clause}"


def in_long_note(text: str, language: str, clauses: list[str]) -> str:
    """The text in the middle of a long booking note, between unrelated sentences."""
    hello, thanks = GREETINGS[language]
    half = len(clauses) // 2
    return f"{hello} {' '.join(clauses[:half])}. {text}. {' '.join(clauses[half:])}. {thanks}"


def respelled(text: str) -> dict[str, str]:
    """The text in other case, without umlauts, without punctuation, without hyphens."""
    return {
        "upper": text.upper(),
        "lower": text.lower(),
        "no umlauts": text.translate(_UMLAUTS).replace("ß", "ss"),
        "no punctuation": re.sub(r"[.,!?;:()\"']", "", text),
        "no hyphens": re.sub(r"-(?!\n)", " ", text),
    }


def every_variant(text: str, language: str):
    """(kind, variant) for every clause, join and place, the long notes and the respellings."""
    clauses = CLAUSES[language]
    for clause in clauses:
        for join in JOINS[language]:
            for before in (True, False):
                place = "before" if before else "after"
                yield f"clause {place}", with_clause(text, clause, join, before)
    for start in range(0, len(clauses), 3):
        yield "long note", in_long_note(text, language, list(clauses[start : start + 6]))
    yield from respelled(text).items()
