import pytest

from search.analysis import fold, normalise_codes, term, text_analyzer
from search.compounds import Decompounder, shipped_words


def analysed(text, language="de"):
    return [token.text for token in text_analyzer(language)(text)]


@pytest.mark.parametrize(
    "variants",
    [
        ("Spülmaschine", "Spuelmaschine", "Spulmaschine", "SPÜLMASCHINE"),
        ("Türdichtung", "Tuerdichtung", "Turdichtung"),
        ("Fuß", "Fuss", "FUSS"),
        ("Wärmepumpe", "Waermepumpe", "Warmepumpe"),
    ],
)
def test_spelling_variants_become_one_term(variants):
    assert len({term(v, "de") for v in variants}) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fehler E 18", "Fehler E18"),
        ("WM-14N und E-101", "WM14N und E101"),
        ("e18", "e18"),
        ("um 18 Uhr", "um 18 Uhr"),
        ("z. B. 5", "z. B. 5"),
    ],
)
def test_codes_are_joined_into_words(text, expected):
    assert normalise_codes(text) == expected


def test_codes_survive_analysis_unstemmed():
    assert analysed("Fehler E 18, e18, WM-14N, F05") == ["fehl", "e18", "e18", "wm14n", "f05"]


def test_german_inflections_share_a_stem():
    assert term("Waschmaschinen", "de") == term("Waschmaschine", "de")
    assert term("Heizungen", "de") == term("Heizung", "de")


def test_english_is_stemmed_in_english_and_keeps_ue():
    assert term("refrigerators", "en") == term("refrigerator", "en")
    assert fold("queue", "en") == "queue" and fold("Blue", "en") == "blue"


def test_stop_words_are_dropped():
    assert term("und", "de") is None and term("the", "en") is None


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("heizungswartung", ["heizungs", "wartung"]),
        ("turdichtung", ["tur", "dichtung"]),
        ("flusensieb", ["flusen", "sieb"]),
        ("kundendienst", ["kunden", "dienst"]),
        ("wartung", []),
        ("dichtung", []),
        ("e18", []),
    ],
)
def test_decompounder_splits_known_compounds_only(word, parts):
    assert Decompounder(shipped_words()).split(word) == parts


def test_decompounder_learns_from_the_corpus():
    splitter = Decompounder(["kesselstein", "entferner"])
    assert splitter.split("kesselsteinentferner") == ["kesselstein", "entferner"]
