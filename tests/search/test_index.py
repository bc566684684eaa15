import multiprocessing
from pathlib import Path

import pytest

from search.index import IndexUnavailable, SearchIndex
from search.searching import search
from tests.search.corpus import doc

ROUNDS = 15


def version(number: int):
    return doc("kessel", f"Kesselstein Version {number}", f"Kalk im Kessel, Fassung {number}.")


def _edit_in_another_process(folder: str, rounds: int, ready, go) -> None:
    index = SearchIndex(folder)
    for number in range(1, rounds + 1):
        go.wait()
        go.clear()
        if number == rounds:
            index.update(deleted=["kessel", "bleibt"])
        else:
            index.update([version(number)])
        ready.set()


def test_edits_and_deletes_from_another_process_never_show_old_versions(tmp_path):
    index = SearchIndex(tmp_path)
    index.rebuild([version(0), doc("bleibt", "Bleibt bis zum Schluss", "Kessel ohne Kalk.")])
    assert [h.title for h in search(index, "Kesselstein", "de").hits] == ["Kesselstein Version 0"]

    context = multiprocessing.get_context("spawn")
    ready, go = context.Event(), context.Event()
    editor = context.Process(
        target=_edit_in_another_process, args=(str(tmp_path), ROUNDS, ready, go)
    )
    editor.start()
    try:
        for number in range(1, ROUNDS + 1):
            go.set()
            assert ready.wait(30), "the other process did not answer"
            ready.clear()
            titles = [h.title for h in search(index, "Kessel", "de").hits]
            if number == ROUNDS:
                assert titles == []
            else:
                assert titles.count(f"Kesselstein Version {number}") == 1
                assert not [
                    t
                    for t in titles
                    if t.startswith("Kesselstein") and t != f"Kesselstein Version {number}"
                ]
                assert "Bleibt bis zum Schluss" in titles
    finally:
        editor.join(30)
    assert editor.exitcode == 0


def test_update_replaces_and_deletes(tmp_path):
    index = SearchIndex(tmp_path)
    index.rebuild([version(1)])
    index.update([version(2)])
    assert [h.title for h in search(index, "Kesselstein", "de").hits] == ["Kesselstein Version 2"]
    index.update(deleted=["kessel"])
    assert search(index, "Kesselstein", "de").total == 0


def test_a_commit_during_a_search_does_not_close_the_searcher_it_reads(tmp_path):
    """Another writer may commit between the hits and reading their fields (a node following
    the change log does so every few seconds): the search goes on with the searcher it began."""
    index = SearchIndex(tmp_path)
    index.rebuild([version(1), doc("bleibt", "Bleibt bis zum Schluss", "Kessel ohne Kalk.")])
    commits = []

    def boost_and_commit(slug: str) -> float:
        if not commits:
            commits.append(slug)
            index.update([version(2)])
        index["de"].column("slug")  # what the search reads next, after the commit
        return 1.0

    found = search(index, "Kessel", "de", rank_boost=boost_and_commit)
    assert commits and found.total == 2
    assert "Kesselstein Version 1" in [h.title for h in found.hits]
    assert [h.title for h in search(index, "Kesselstein", "de").hits] == ["Kesselstein Version 2"]


def test_a_document_that_changes_language_moves_index(tmp_path):
    index = SearchIndex(tmp_path)
    index.rebuild([version(1)])
    english = doc("kessel", "Boiler scale", "Scale in the boiler.", language="en")
    index.update([english])
    assert search(index, "Kesselstein", "de").total == 0
    assert [h.slug for h in search(index, "boiler", "en").hits] == ["kessel"]


def test_missing_index_is_reported_and_rebuild_creates_it(tmp_path):
    index = SearchIndex(tmp_path / "nothing-here")
    assert not index.exists()
    with pytest.raises(IndexUnavailable):
        search(index, "Kessel", "de")
    index.rebuild([version(1)])
    assert search(index, "Kessel", "de").total == 1


@pytest.mark.parametrize("damage", ["garbage_toc", "missing_segments"])
def test_damaged_index_is_reported_and_rebuild_repairs_it(tmp_path, damage):
    index = SearchIndex(tmp_path)
    index.rebuild([version(1)])
    index.close()
    folder = Path(tmp_path) / "de"
    fresh = SearchIndex(tmp_path)
    for path in folder.iterdir():
        if damage == "garbage_toc" and path.suffix == ".toc":
            path.write_bytes(b"\x00garbage" * 10)
        if damage == "missing_segments" and path.suffix != ".toc":
            path.unlink()
    with pytest.raises(IndexUnavailable):
        search(fresh, "Kessel", "de")
    fresh.rebuild([version(2)])
    assert [h.title for h in search(fresh, "Kessel", "de").hits] == ["Kesselstein Version 2"]


def test_segments_are_read_from_the_memory_map_without_copies(tmp_path):
    from search.storage import ViewStream

    index = SearchIndex(tmp_path)
    index.rebuild([version(1)])
    reader = index["de"].searcher().reader()
    ((segment_reader, _),) = reader.leaf_readers()
    postings = segment_reader._terms._postfile  # the largest part of a segment
    assert isinstance(postings.file, ViewStream)
    assert [h.title for h in search(index, "Kesselstein", "de").hits] == ["Kesselstein Version 1"]
