"""The on-disk Whoosh indexes, one per language, safe with several processes.

whoosh-reloaded 2.7.5's ``Searcher.refresh()`` returns stale and deleted documents, so it is
never called: each thread keeps one searcher and replaces it, before a search, when
``up_to_date()`` is false.
"""

import contextlib
import os
import shutil
import tempfile
import threading
import time
import warnings
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema
from whoosh.writing import CLEAR

from search.analysis import (
    LANGUAGES,
    fold,
    prefix_analyzer,
    spelling_analyzer,
    text_analyzer,
    words,
)
from search.compounds import Decompounder, shipped_words
from search.documents import Document
from search.storage import install as install_copy_free_reads

install_copy_free_reads()

WRITE_TIMEOUT = 10.0
OPEN_RETRIES = 3
VOCABULARY_TTL = 300.0
BUILD_PROCS = max(1, min(4, os.cpu_count() or 1))
INDEX_NAME = "articles"
POSITION_FILE = "position"


class IndexUnavailable(RuntimeError):
    """The index is missing or unreadable; rebuild it from the database."""


def _quietly(action, *args, **kwargs):
    """Run a Whoosh call that reads the index: IndexUnavailable when it is damaged, None when a
    file vanished under a concurrent commit (try again).

    A failed read leaves a file open inside Whoosh; the error is freed here, with resource
    warnings off, so it closes quietly.
    """
    failure = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return action(*args, **kwargs)
        except FileNotFoundError:
            return None
        except Exception as error:  # a damaged index fails in many ways
            failure = f"{type(error).__name__}: {error}"
    raise IndexUnavailable(failure)


# Where a word stands adds to its hit's score: title over tags over summary (with headings).
PLACES = ("title_terms", "tag_terms", "summary_terms")


def make_schema(language: str) -> Schema:
    """One indexed field holds all searchable text; columns say where each term stands."""
    return Schema(
        slug=ID(stored=True, unique=True, sortable=True),
        category=ID(stored=True),
        category_name=STORED(),
        display_title=STORED(),
        summary_text=STORED(),
        sections=STORED(),
        text=TEXT(analyzer=text_analyzer(language)),
        prefix=TEXT(analyzer=prefix_analyzer(language), phrase=False),
        spell=TEXT(analyzer=spelling_analyzer(language), phrase=False, spelling=True),
        **{place: COLUMN(VarBytesColumn()) for place in PLACES},
    )


def _terms(language: str, text: str) -> bytes:
    return " ".join(sorted({t.text for t in text_analyzer(language)(text)})).encode("utf-8")


def _parts(decompounder: Decompounder | None, text: str) -> str:
    """The parts of the text's compounds, so that they count as words of that text."""
    if decompounder is None:
        return ""
    return " ".join(p for word in set(words(text)) for p in decompounder.split(fold(word, "de")))


def _fields(document: Document, decompounder: Decompounder | None) -> dict:
    tags = " ".join(document.tags)
    summary = f"{document.summary}\n{document.headings}"
    everything = "\n".join([document.title, tags, summary, document.body])
    title = f"{document.title} {_parts(decompounder, document.title)}"
    return {
        "slug": document.slug,
        "category": document.category,
        "category_name": document.category_name,
        "display_title": document.title,
        "summary_text": document.summary,
        "sections": [(s.anchor, s.heading, s.text) for s in document.sections],
        "text": f"{everything}\n{_parts(decompounder, everything)}",
        "prefix": f"{title} {tags} {document.headings}",
        "spell": everything,
        "title_terms": _terms(document.language, title),
        "tag_terms": _terms(document.language, f"{tags} {_parts(decompounder, tags)}"),
        "summary_terms": _terms(document.language, f"{summary} {_parts(decompounder, summary)}"),
    }


class LanguageIndex:
    """The index of one language: its searchers, its writer, and its vocabulary."""

    def __init__(self, folder: Path, language: str):
        self.folder = folder
        self.language = language
        self.schema = make_schema(language)
        self._local = threading.local()
        self._ix = None
        self._open_lock = threading.Lock()
        self._vocabulary: tuple[float, Decompounder | None] = (0.0, None)

    def exists(self) -> bool:
        """Whether an index was created here (it may still be damaged)."""
        try:
            return bool(_quietly(whoosh_index.exists_in, self.folder, indexname=INDEX_NAME))
        except IndexUnavailable:  # exists_in opens the index; a damaged one is there all the same
            return True

    def _index(self):
        """Open the index once per process, retrying while a writer swaps its table of contents."""
        if self._ix is not None:
            return self._ix
        with self._open_lock:
            for attempt in range(OPEN_RETRIES):
                if self._ix is not None:
                    break
                self._ix = _quietly(whoosh_index.open_dir, self.folder, indexname=INDEX_NAME)
                if self._ix is None:
                    time.sleep(0.02 * (attempt + 1))
            if self._ix is None:
                raise IndexUnavailable(f"cannot open the index in {self.folder}")
        return self._ix

    def refresh(self) -> None:
        """Let this thread's next searcher see what writers committed since its last one.

        Called before a search, never during one: replacing the searcher closes the old one,
        and a search still reading hits or columns from it would fail.
        """
        current = getattr(self._local, "searcher", None)
        if current is not None:
            with contextlib.suppress(Exception):  # a replaced index cannot answer; reopen
                if current.up_to_date():
                    return
            self.close()

    def generation(self) -> int:
        """Counts the index's commits: what was read from it stands while this does."""
        generation = _quietly(self._index().latest_generation)
        if generation is None:
            raise IndexUnavailable(f"index files missing in {self.folder}")
        return generation

    def searcher(self):
        """This thread's searcher, as of its last :meth:`refresh`."""
        current = getattr(self._local, "searcher", None)
        if current is not None:
            return current
        # Whoosh retries vanished files itself; still missing afterwards means damaged.
        self._local.searcher = _quietly(self._index().searcher)
        self._local.columns = {}
        if self._local.searcher is None:
            raise IndexUnavailable(f"index files missing in {self.folder}")
        return self._local.searcher

    def column(self, name: str):
        """A column reader of this thread's searcher; opening one costs milliseconds."""
        searcher = self.searcher()
        columns = self._local.columns
        if name not in columns:
            columns[name] = searcher.reader().column_reader(name)
        return columns[name]

    def close(self) -> None:
        """Close this thread's searcher."""
        current = getattr(self._local, "searcher", None)
        self._local.searcher = None
        if current is not None:
            with contextlib.suppress(Exception):  # a broken searcher may fail to close
                current.close()

    def decompounder(self) -> Decompounder | None:
        """German compound splitter over shipped words and the index's own vocabulary."""
        if self.language != "de":
            return None
        built, decompounder = self._vocabulary
        if decompounder is None or time.monotonic() - built > VOCABULARY_TTL:
            vocabulary = list(shipped_words())
            with contextlib.suppress(IndexUnavailable):  # then the shipped words alone
                vocabulary.extend(
                    text.decode("utf-8")
                    for text, info in self.searcher().reader().iter_field("spell")
                    if info.doc_frequency() >= 2
                )
            decompounder = Decompounder(vocabulary)
            self._vocabulary = (time.monotonic(), decompounder)
        return decompounder

    def update(self, documents: Iterable[Document] = (), deleted: Iterable[str] = ()) -> None:
        """Add or replace documents and delete slugs, in one commit."""
        if not self.exists():
            raise IndexUnavailable(f"no index in {self.folder}")
        decompounder = self.decompounder()
        writer = self._index().writer(timeout=WRITE_TIMEOUT)
        try:
            for slug in deleted:
                writer.delete_by_term("slug", slug)
            for document in documents:
                writer.update_document(**_fields(document, decompounder))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def rebuild(self, documents: list[Document]) -> None:
        """Replace the whole index; readers keep the old one until the commit."""
        decompounder = None
        if self.language == "de":
            counts = Counter(
                word.lower() for d in documents for word in words(f"{d.title} {d.body}")
            )
            decompounder = Decompounder(shipped_words() + [w for w, n in counts.items() if n >= 2])
        if not self._healthy():
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True, exist_ok=True)
            whoosh_index.create_in(self.folder, self.schema, indexname=INDEX_NAME)
            self._ix = None
        writer = self._index().writer(timeout=WRITE_TIMEOUT, limitmb=256, procs=BUILD_PROCS)
        try:
            for document in documents:
                writer.add_document(**_fields(document, decompounder))
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=CLEAR)
        self._vocabulary = (0.0, None)

    def _healthy(self) -> bool:
        if not self.exists():
            return False
        try:
            self.refresh()
            self.searcher()
        except IndexUnavailable:
            return False
        return True


class SearchIndex:
    """The indexes of all languages below one folder."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self.languages = {
            language: LanguageIndex(self.folder / language, language) for language in LANGUAGES
        }

    def __getitem__(self, language: str) -> LanguageIndex:
        return self.languages[language]

    def exists(self) -> bool:
        return all(index.exists() for index in self.languages.values())

    def rebuild(self, documents: Iterable[Document]) -> None:
        """Rebuild every language's index from these documents."""
        by_language: dict[str, list[Document]] = {language: [] for language in LANGUAGES}
        for document in documents:
            by_language[document.language].append(document)
        for language, index in self.languages.items():
            index.rebuild(by_language[language])

    def generations(self) -> tuple[int, ...]:
        """Every language's :meth:`LanguageIndex.generation`."""
        return tuple(index.generation() for index in self.languages.values())

    def update(self, documents: Iterable[Document] = (), deleted: Iterable[str] = ()) -> None:
        """Add or replace documents; remove the deleted slugs from every language."""
        documents = list(documents)
        deleted = set(deleted)
        for language, index in self.languages.items():
            mine = [d for d in documents if d.language == language]
            gone = deleted | {d.slug for d in documents if d.language != language}
            index.update(mine, gone)

    def position(self) -> int:
        """How far along its change log the index is; 0 for an index that never said."""
        try:
            return int((self.folder / POSITION_FILE).read_text())
        except (FileNotFoundError, ValueError):
            return 0

    def set_position(self, position: int) -> None:
        """Remember ``position``, atomically, so a restarted process goes on from there."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".position.")
        with os.fdopen(handle, "w") as file:
            file.write(str(position))
        os.replace(temporary, self.folder / POSITION_FILE)

    def close(self) -> None:
        for index in self.languages.values():
            index.close()
