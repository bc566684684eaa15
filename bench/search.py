"""Search benchmark: synthetic German corpora through the search library, SQLite FTS5 beside it.

The corpora draw their nouns from the shipped German word list with Zipf-distributed
frequencies (rank r with weight 1/r), as words occur in real text: a few are everywhere,
most are rare.

Prints, per corpus size: index build time and size, p50/p95/p99 latency of a mixed query set
(with snippets and a helpfulness blend), the same for FTS5 with snippet(), the ratio, and the
resident memory of a fresh process that opens the index and answers the queries.

    .venv/bin/python bench/search.py --sizes 1000,10000,50000
"""

import argparse
import contextlib
import itertools
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.compounds import shipped_words
from search.documents import Document, Section
from search.index import SearchIndex
from search.searching import search
from search.synonyms import Synonyms, default_text

COMMON = [
    "der",
    "die",
    "das",
    "und",
    "mit",
    "für",
    "bei",
    "nicht",
    "ist",
    "wird",
    "sind",
    "Sie",
    "Ihre",
    "den",
    "dem",
    "ein",
    "eine",
    "zu",
    "auf",
    "im",
    "nach",
    "wenn",
    "dann",
    "oder",
    "auch",
]
DEVICES = [
    "Waschmaschine",
    "Geschirrspüler",
    "Trockner",
    "Kühlschrank",
    "Backofen",
    "Gastherme",
    "Wärmepumpe",
    "Heizkörper",
    "Boiler",
]


def corpus(size: int, seed: int = 7) -> list[Document]:
    rng = random.Random(seed)
    nouns = [w.capitalize() for w in shipped_words() if len(w) > 3]
    rng.shuffle(nouns)
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(nouns) + 1)))

    def noun():
        return rng.choices(nouns, cum_weights=weights)[0]

    def sentence(length):
        words = [rng.choice(COMMON) if rng.random() < 0.45 else noun() for _ in range(length)]
        if rng.random() < 0.1:
            words.append(f"E{rng.randint(1, 60):02d}")
        if rng.random() < 0.15:
            words.append(noun() + noun().lower())
        return " ".join(words).capitalize() + "."

    documents = []
    for number in range(size):
        device = rng.choice(DEVICES)
        title = f"{device}: {noun()} {noun()} prüfen"
        sections = tuple(
            Section(
                f"abschnitt-{s}",
                f"{noun()} {noun()}",
                " ".join(sentence(rng.randint(8, 18)) for _ in range(rng.randint(4, 12))),
            )
            for s in range(rng.randint(2, 6))
        )
        documents.append(
            Document(
                slug=f"artikel-{number}",
                language="de",
                title=title,
                category=device.lower(),
                category_name=device,
                summary=sentence(12),
                tags=(device.lower(), noun().lower()),
                sections=sections,
            )
        )
    return documents


def queries(documents: list[Document], count: int = 200, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    tokens = [w for d in documents[:500] for w in d.body.split() if len(w) > 4 and w.isalpha()]
    vocabulary = sorted(set(tokens))

    def pick():
        # Half of what people type is a specific word, half an everyday one.
        return rng.choice(vocabulary) if rng.random() < 0.5 else rng.choice(tokens)

    made = []
    for number in range(count):
        kind = number % 8
        word = pick()
        if kind == 0:
            made.append(word)
        elif kind == 1:
            made.append(f"{word} {pick()}")
        elif kind == 2:
            made.append(f"Fehler E{rng.randint(1, 60):02d}")
        elif kind == 3:
            made.append(word[:-2] + word[-1] + word[-2] if len(word) > 5 else word)  # typo
        elif kind == 4:
            made.append(word[:5])  # half typed
        elif kind == 5:
            made.append(f"{rng.choice(DEVICES)} {word} {pick()}")
        elif kind == 6:
            made.append(f'"{" ".join(rng.choice(documents).body.split()[3:5]).strip(".")}"')
        else:
            made.append(rng.choice(["Spülmaschine", "Therme", "Gasheizung", "Boiler"]) + " " + word)
    return made


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return statistics.median(ordered), pick(0.95), pick(0.99)


def run_whoosh(index: SearchIndex, query_set: list[str]) -> list[float]:
    synonyms = {"de": Synonyms.parse(default_text("de"), "de")[0]}
    boost = lambda slug: 1.0 + 0.2 * ((hash(slug) % 100) / 100 - 0.5)  # noqa: E731
    for query in query_set[:20]:  # warm the searcher and caches, as a running worker is
        search(index, query, "de", synonyms=synonyms, rank_boost=boost)
    timings = []
    for query in query_set:
        start = time.perf_counter()
        search(index, query, "de", synonyms=synonyms, rank_boost=boost)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def fts_query(text: str) -> str:
    if text.startswith('"'):
        return text
    terms = [t for t in text.replace(":", " ").split() if t.isalnum()]
    if len(terms) == 1 and len(terms[0]) <= 5:
        return f"{terms[0]}*"
    return " ".join(f'"{t}"' for t in terms) or '""'


def run_fts(documents: list[Document], query_set: list[str], folder: Path) -> list[float]:
    connection = sqlite3.connect(folder / "fts.sqlite3")
    connection.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(slug UNINDEXED, title, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    connection.executemany(
        "INSERT INTO docs VALUES (?, ?, ?)", ((d.slug, d.title, d.body) for d in documents)
    )
    connection.commit()
    sql = (
        "SELECT slug, title, snippet(docs, 2, '<mark>', '</mark>', '…', 24) FROM docs "
        "WHERE docs MATCH ? ORDER BY bm25(docs, 4.0, 1.0) LIMIT 10"
    )
    timings = []
    for query in query_set:
        start = time.perf_counter()
        with contextlib.suppress(sqlite3.OperationalError):  # FTS5 syntax it refuses
            connection.execute(sql, (fts_query(query),)).fetchall()
        timings.append((time.perf_counter() - start) * 1000)
    connection.close()
    return timings


WORKER = """
import sys, time
sys.path.insert(0, {root!r})
from portal import create_app
from search.index import SearchIndex
from search.searching import search
app = create_app({{"INSTANCE_PATH": {instance!r}}})
index = SearchIndex({folder!r})
for query in {queries!r}:
    search(index, query, "de")
with open("/proc/self/status") as status:
    kb = dict(line.split()[:2] for line in status if line.startswith(("RssAnon", "RssFile")))
print(kb["RssAnon:"], kb["RssFile:"])
"""


def worker_memory_mb(folder: Path, query_set: list[str]) -> tuple[float, float]:
    """(private, file-mapped) resident memory of a fresh portal process that has answered
    100 queries; the mapped index pages are shared by all workers on a machine."""
    code = WORKER.format(
        root=str(ROOT),
        instance=str(folder / "instance"),
        folder=str(folder / "index"),
        queries=query_set[:100],
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    private, mapped = output.stdout.strip().splitlines()[-1].split()
    return int(private) / 1024, int(mapped) / 1024


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--queries", type=int, default=200)
    arguments = parser.parse_args()
    print(
        f"{'articles':>9} {'build s':>8} {'index MB':>9} {'whoosh p50/p95/p99 ms':>24} "
        f"{'fts5 p50/p95/p99 ms':>22} {'p95 ratio':>9} {'worker MB private/mapped':>25}"
    )
    for size in (int(s) for s in arguments.sizes.split(",")):
        folder = Path(tempfile.mkdtemp(prefix=f"bench-search-{size}-"))
        documents = corpus(size)
        query_set = queries(documents, arguments.queries)
        index = SearchIndex(folder / "index")
        start = time.perf_counter()
        index.rebuild(documents)
        build = time.perf_counter() - start
        whoosh = percentiles(run_whoosh(index, query_set))
        fts = percentiles(run_fts(documents, query_set, folder))
        index.close()
        private, mapped = worker_memory_mb(folder, query_set)
        print(
            f"{size:>9} {build:>8.1f} {size_mb(folder / 'index'):>9.1f} "
            f"{'/'.join(f'{v:.1f}' for v in whoosh):>24} "
            f"{'/'.join(f'{v:.1f}' for v in fts):>22} {whoosh[1] / max(fts[1], 1e-6):>9.1f} "
            f"{f'{private:.0f}/{mapped:.0f}':>25}",
            flush=True,
        )
        shutil.rmtree(folder, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"benchmark process peak RSS: {peak:.0f} MB (holds the corpora; not a worker)")


if __name__ == "__main__":
    main()
