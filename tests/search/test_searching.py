import pytest

from search.index import SearchIndex
from search.searching import search, suggest
from search.synonyms import Synonyms, default_text
from tests.search.corpus import CORPUS, doc


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    built = SearchIndex(tmp_path_factory.mktemp("index"))
    built.rebuild(CORPUS)
    yield built
    built.close()


SYNONYMS = {
    "de": Synonyms.parse(default_text("de"), "de")[0],
    "en": Synonyms.parse(default_text("en"), "en")[0],
}


def slugs(index, query, language="de", **options):
    options.setdefault("synonyms", SYNONYMS)
    return [hit.slug for hit in search(index, query, language, **options).hits]


@pytest.mark.parametrize("query", ["Spülmaschine", "Spuelmaschine", "Spulmaschine"])
def test_umlaut_spellings_find_the_same_article(index, query):
    assert slugs(index, query)[0] == "spuelmaschine"


@pytest.mark.parametrize("query", ["Türdichtung", "Tuerdichtung"])
def test_umlaut_digraphs_find_the_same_article(index, query):
    assert slugs(index, query)[0] == "tuerdichtung"


@pytest.mark.parametrize("query", ["Fuß", "Fuss", "Fußventil"])
def test_sharp_s_and_ss_are_the_same(index, query):
    assert "fussventil" in slugs(index, query)


def test_inflected_forms_find_the_base_form(index):
    assert "waschmaschinen-laut" in slugs(index, "Waschmaschine laut")
    assert "entkalken" in slugs(index, "Waschmaschinen entkalken")


def test_separate_words_find_the_compound(index):
    assert "heizungswartung" in slugs(index, "Wartung Heizung")
    assert "tuerdichtung" in slugs(index, "Dichtung Tür")


def test_compound_finds_the_words_written_apart(index):
    found = slugs(index, "Heizungswartung")
    assert found[0] == "heizungswartung" and "wartung-getrennt" in found


def test_synonyms_apply_at_query_time(index):
    assert "spuelmaschine" in slugs(index, "Geschirrspüler")
    assert "therme" in slugs(index, "Gasheizung")
    assert "therme" not in slugs(index, "Gasheizung", synonyms={})
    custom = {"de": Synonyms.parse("Gasheizung = Heizgerät", "de")[0]}
    assert slugs(index, "Heizgerät", synonyms=custom) == []  # the group names no indexed word
    assert "therme" in slugs(index, "Therme")


@pytest.mark.parametrize("query", ["E18", "e18", "Fehler E 18", "Fehler E18"])
def test_error_codes_are_tokens_of_their_own(index, query):
    assert slugs(index, query)[0] == "fehler-e18"


def test_model_numbers_and_other_codes(index):
    assert slugs(index, "WM-14N") == ["fehler-e18"]
    assert slugs(index, "wm14n") == ["fehler-e18"]
    assert slugs(index, "F05")[0] == "fehler-f05"


@pytest.mark.parametrize(
    ("typed", "corrected", "expected"),
    [
        ("Waschmachine", "Waschmaschine", "waschmaschinen-laut"),
        ("Geschirspüler", "Geschirrspüler", "geschirrspueler-salz"),
    ],
)
def test_typos_get_a_suggestion_and_corrected_results(index, typed, corrected, expected):
    results = search(index, typed, "de", synonyms=SYNONYMS)
    assert results.suggestion == corrected and results.corrected
    assert expected in [hit.slug for hit in results.hits]


def test_known_words_get_no_suggestion(index):
    assert search(index, "Flusensieb", "de").suggestion is None


def test_quoted_phrase_needs_the_words_in_order(index):
    assert slugs(index, '"Laugenpumpe blockiert"') == ["fehler-e18"]
    assert set(slugs(index, "Laugenpumpe blockiert")) == {"fehler-e18", "streuwoerter"}


@pytest.mark.parametrize(("typed", "expected"), [("entkal", "entkalken"), ("Flusen", "flusensieb")])
def test_half_typed_words_already_find_the_article(index, typed, expected):
    assert slugs(index, typed)[0] == expected
    assert suggest(index, typed, "de")[0].slug == expected


def test_category_filter(index):
    assert set(slugs(index, "Brenner")) == {"heizungswartung", "wartung-getrennt"}
    assert slugs(index, "Wasser", category="heizung") == ["therme"]


def test_other_language_answers_when_own_finds_nothing(index):
    results = search(index, "refrigerator", "de", other_language="en")
    assert results.other_language and results.language == "en"
    assert [hit.slug for hit in results.hits] == ["fridge"]
    assert search(index, "refrigerator", "de").total == 0


def test_all_words_first_any_word_when_that_finds_nothing(index):
    assert slugs(index, "Gastherme Wassermangel") == ["therme"]
    loose = slugs(index, "Gastherme Zitronensäure")
    assert set(loose) == {"therme", "entkalken"}


def test_without_an_answer_at_most_three_weak_matches_follow_in_score_order(index):
    results = search(index, "Zitronensäure Sprüharme Siebe", "de", synonyms=SYNONYMS)
    assert (
        not results.answered and 1 <= len(results.hits) <= 3 and results.total == len(results.hits)
    )
    assert results.hits[0].slug == "spuelmaschine"  # two of three words; the others one each
    assert all(hit.weak for hit in results.hits)
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)


def test_title_matches_rank_over_body_matches(index):
    found = slugs(index, "Sieb")
    assert found.index("flusensieb") < found.index("phrase")


def test_rank_boost_reorders_comparable_hits(index):
    plain = slugs(index, "Brenner")
    boosted = slugs(index, "Brenner", rank_boost=lambda slug: 2.0 if slug == plain[1] else 1.0)
    assert boosted == [plain[1], plain[0]]


def test_snippets_are_escaped_and_mark_the_match(index):
    hit = search(index, "Wort Sicherheit", "de").hits[0]
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "<mark>Sicherheit</mark>" in hit.snippet


def test_hits_link_to_the_matching_section(index):
    hit = search(index, "Zitronensäure", "de").hits[0]
    assert hit.anchor == "loesung" and "<mark>Zitronensäure</mark>" in hit.snippet


def test_results_are_plain_objects_with_counts_and_pages(index):
    results = search(index, "Wasser", "de", per_page=2, page=2)
    assert results.total >= 4 and results.pages == -(-results.total // 2)
    assert len(results.hits) == 2 and all(isinstance(h.score, float) for h in results.hits)
    first = {h.slug for h in search(index, "Wasser", "de", per_page=2).hits}
    assert first.isdisjoint(h.slug for h in results.hits)


def test_long_articles_are_indexed_whole(tmp_path):
    filler = "Wasser fließt durch das Rohr. " * 4000  # about 120,000 characters
    index = SearchIndex(tmp_path)
    index.rebuild([doc("lang", "Ein langer Artikel", filler + "Am Ende steht Kalkablagerung.")])
    assert [h.slug for h in search(index, "Kalkablagerung", "de").hits] == ["lang"]


def test_empty_and_stopword_queries_find_nothing(index):
    assert search(index, "", "de").total == 0
    assert search(index, '""', "de").total == 0
    assert search(index, "und oder", "de").total == 0


def test_an_answer_is_not_padded_with_articles_holding_one_of_the_words(index):
    results = search(index, "Brenner Druck", "de", synonyms=SYNONYMS)
    assert [hit.slug for hit in results.hits] == ["wartung-getrennt"]  # the only one with both


def test_later_pages_of_an_answered_query_are_answered_too(index):
    first = search(index, "Abgas einmal", "de", per_page=1, synonyms=SYNONYMS)
    assert first.answered and first.total >= 2
    second = search(index, "Abgas einmal", "de", page=2, per_page=1, synonyms=SYNONYMS)
    assert second.answered and len(second.hits) == 1 and second.hits[0].slug != first.hits[0].slug
