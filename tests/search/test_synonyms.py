"""The synonym lists: what a group member means, and the lists the portal ships with."""

from search.synonyms import Synonyms, default_text


def test_the_shipped_lists_have_no_line_that_would_be_dropped():
    for language in ("de", "en"):
        assert Synonyms.parse(default_text(language), language)[1] == [], language


def test_a_phrase_with_stop_words_is_not_the_single_word_left_without_them():
    synonyms = Synonyms.parse("klemmt = geht nicht auf", "de")[0]
    assert synonyms.alternatives(("geht", "nicht", "auf")) == [
        ("klemmt",),
        ("geht", "nicht", "auf"),
    ]
    assert synonyms.alternatives(("geht",)) == []
