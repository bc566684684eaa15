"""Triage benchmark: what the rules get right on the phrasing sets, and what a verdict costs.

Prints, per set in ``tests/search/``: emergencies caught (level, and level with reason), urgent
cases caught in December and left alone in July, and false alarms on normal texts; per class of
the "when in doubt" sets, how many get their level and reason; how many metamorphic variants of
every emergency and urgent text keep their level (``tests/search/triage_variants.py``); then the
time to build the triager and the p50/p95/max time of one verdict for short queries and for
2,000-character problem descriptions, first read (cold) and again (the per-process word cache),
and for the worst input found: 2,000 characters of unknown words; then the same text read again,
which the verdicts kept per process answer.

    .venv/bin/python -P bench/triage.py [--no-variants]
"""

import random
import statistics
import sys
import time
import tomllib
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search import triage
from tests.search import triage_variants

SETS = ("triage_cases", "triage_holdout", "triage_final")
DECEMBER, JULY = date(2026, 12, 3), date(2027, 7, 15)


def _figures(cases: list[dict]) -> str:
    emergencies = [c for c in cases if c["level"] == "emergency"]
    urgent = [c for c in cases if c["level"] == "urgent"]
    normal = [c for c in cases if c["level"] == "normal"]
    verdicts = {id(c): triage.classify(c["text"], c["lang"], DECEMBER) for c in cases}
    caught = sum(verdicts[id(c)].level == "emergency" for c in emergencies)
    right = sum(verdicts[id(c)].reason == c["reason"] for c in emergencies)
    winter = sum(verdicts[id(c)].level == "urgent" for c in urgent)
    summer = sum(triage.classify(c["text"], c["lang"], JULY).level == "normal" for c in urgent)
    alarms = sum(verdicts[id(c)].level != "normal" for c in normal)
    return (
        f"emergencies {caught}/{len(emergencies)} caught ({right} with the right reason), "
        f"urgent {winter}/{len(urgent)} in December and {summer}/{len(urgent)} normal in July, "
        f"false alarms {alarms}/{len(normal)} ({100 * alarms / max(1, len(normal)):.1f} %)"
    )


def _groups(name: str) -> None:
    with (ROOT / "tests" / "search" / f"{name}.toml").open("rb") as handle:
        groups = tomllib.load(handle)["group"]
    totals: dict[str, list[int]] = {}
    asked = denied = 0
    for group in groups:
        for text in group["texts"]:
            verdict = triage.classify(text, group["lang"], DECEMBER)
            right = (verdict.level, verdict.reason) == (group["level"], group.get("reason"))
            counts = totals.setdefault(f"{group['class']} ({group['lang']})", [0, 0])
            counts[0] += right
            counts[1] += 1
            if "possible" in group:
                denied += 1
                asked += verdict.possible == group["possible"]
    print(f"{name}: " + ", ".join(f"{k} {r}/{n}" for k, (r, n) in totals.items()))
    print(f"  denied dangers still asked about: {asked}/{denied}")


def _metamorphic() -> None:
    kept = total = 0
    lowered: dict[str, int] = {}
    for text, language, _ in triage_variants.seeds():
        base = triage.SEVERITY[triage.classify(text, language, DECEMBER).level]
        for kind, variant in triage_variants.every_variant(text, language):
            total += 1
            if triage.SEVERITY[triage.classify(variant, language, DECEMBER).level] >= base:
                kept += 1
            else:
                lowered[kind] = lowered.get(kind, 0) + 1
    print(f"metamorphic variants keeping their level: {kept}/{total}, lowered by kind: {lowered}")


def _timings(texts: list[str]) -> str:
    times = []
    for text in texts:
        start = time.perf_counter()
        triage.default_triager().classify(text, "de", DECEMBER)  # past the verdicts kept
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    return f"p50 {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms"


def main() -> None:
    start = time.perf_counter()
    triage.default_triager()
    print(f"building the triager: {(time.perf_counter() - start) * 1000:.0f} ms")
    everything = []
    for name in SETS:
        with (ROOT / "tests" / "search" / f"{name}.toml").open("rb") as handle:
            cases = tomllib.load(handle)["case"]
        everything += cases
        print(f"{name} ({len(cases)}): {_figures(cases)}")
    for name in triage_variants.GROUP_SETS:
        _groups(name)
    if "--no-variants" not in sys.argv:
        _metamorphic()
    texts = [c["text"] for c in everything]
    long_texts = [(" ".join(texts[i : i + 40]))[:2000] for i in range(0, len(texts), 40)]
    triage.default_triager()._read.clear()
    print(f"short texts, cold ({len(texts)}): {_timings(texts)}")
    print(f"short texts, again: {_timings(texts)}")
    triage.default_triager()._read.clear()
    print(f"2,000 characters, cold ({len(long_texts)}): {_timings(long_texts)}")
    print(f"2,000 characters, again: {_timings(long_texts)}")
    # The worst found: no stop words (so both languages are read), every word unknown.
    rng = random.Random(1)
    letters = "abcdefghijklmnopqrstuvwxyzäöü"
    unknown = [
        " ".join("".join(rng.choice(letters) for _ in range(6)) for _ in range(285))
        for _ in range(10)
    ]
    print(f"2,000 characters of unknown words (10): {_timings(unknown)}")
    triage.classify(long_texts[0], "de", DECEMBER)
    start = time.perf_counter()
    triage.classify(long_texts[0], "de", DECEMBER)
    print(f"the same text again, kept: {(time.perf_counter() - start) * 1000:.3f} ms")


if __name__ == "__main__":
    main()
