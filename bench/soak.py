"""Soak: votes and bookings at the same time against the portal under gunicorn on PostgreSQL,
then the database is checked against what the clients were told.

Unit tests race two requests; this keeps many clients going for a minute through the real
server, so lost updates, double bookings, leaked transactions or 5xx under contention show.
Voters are browsers, each with its own cookie jar: they open an article (session and CSRF
token), vote through the JSON API, change their vote, give reasons, withdraw it, and now and then
double-click (two identical votes at once). Bookers walk the four-step form and all compete for
the earliest windows; a lost race answers 409 with fresh windows, and they try again.

Every accepted vote (the state the API answered) and every accepted booking (303 to the manage
page) is recorded. At the end, with the server stopped: no 5xx or connection errors; the stored
votes equal the clients' final votes exactly; the running sums in ``article_score`` equal a
rebuild from the votes; no technician holds one window twice and ``occupied_window`` matches
the open appointments; the new appointments are exactly the accepted bookings; no article has
more counted votes from one address than ``PORTAL_VOTES_PER_ADDRESS``. Exits 1 if a check fails.

Every client comes from 127.0.0.1, so the rate limits are raised, and so is the per-address
cap by default (every vote then counts and moves the running sums); ``--votes-per-address 3``
keeps the shipped cap and tests it under concurrent first votes instead.

    scripts/with-postgres.sh .venv/bin/python bench/soak.py            # 60 s
    scripts/with-postgres.sh .venv/bin/python bench/soak.py --duration 20 --voters 16
    scripts/with-postgres.sh .venv/bin/python bench/soak.py --votes-per-address 3
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import argparse
import hashlib
import os
import random
import re
import secrets
import signal
import statistics
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
from itsdangerous import URLSafeSerializer

from bench import serving
from bench.serving import UNLIMITED_RATES, demo_instance, free_port, stop, tear_down, wait

BROWSER = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
    "Accept-Language": "de",
}
REASONS = ("outdated", "unclear", "not_solved", "broken", "other")
COMMENTS = ("Schritt 3 fehlt für mein Modell.", "Bild lädt nicht – bitte prüfen.", "Zu knapp.")
# (service name as the form lists it, device, problem); problems without emergency words.
JOBS = (
    ("Reparatur Waschmaschine", "Waschmaschine", "Die Tür klemmt, Anzeige E18."),
    ("Reparatur Heizung", "Gastherme", "Therme taktet häufig, Anzeige F28 nach dem Neustart."),
    ("Wartung Wärmepumpe", "Wärmepumpe", "Jährliche Wartung fällig."),
    ("Heizungswartung", "Gasbrennwerttherme", "Wartung vor dem Winter."),
)
POSTCODES = ("20095", "22041", "21029")
SLOT = re.compile(r'value="(\d{4}-\d{2}-\d{2}/\d+)"')
OPTION = re.compile(r'<option value="(\d+)"[^>]*>([^<]+)</option>')
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
KINDS = ("article page", "vote", "booking page", "booking step", "book", "manage page")


@dataclass
class Stats:
    """Everything the clients saw; one lock, the clients are threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latency: dict = field(default_factory=lambda: defaultdict(list))
    status: dict = field(default_factory=lambda: defaultdict(Counter))
    errors: list = field(default_factory=list)  # (kind, url, what)
    server_errors: list = field(default_factory=list)  # (kind, url, status, start of the body)
    unexpected: list = field(default_factory=list)  # (kind, url, status)
    votes: dict = field(default_factory=dict)  # (visitor hash, slug) -> answered state
    uncertain: set = field(default_factory=set)  # (visitor hash, slug) whose last vote failed
    vote_kinds: Counter = field(default_factory=Counter)
    visitors: set = field(default_factory=set)
    bookings: list = field(default_factory=list)  # manage tokens
    booking_events: Counter = field(default_factory=Counter)


class Soak:
    def __init__(self, base: str, stats: Stats, deadline: float, articles: list[str], key: str):
        self.base, self.stats, self.deadline, self.articles = base, stats, deadline, articles
        self.cookie = URLSafeSerializer(key, salt="visitor")  # reads the visitor cookie's id
        self.pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="double-click")

    def over(self) -> bool:
        return time.monotonic() >= self.deadline

    def session(self) -> requests.Session:
        session = requests.Session()
        session.headers.update(BROWSER)
        return session

    def call(self, session, kind: str, method: str, path: str, expected=(200,), **options):
        """One request, timed and counted; None when the connection failed."""
        url = self.base + path
        started = time.perf_counter()
        try:
            answer = session.request(method, url, timeout=60, allow_redirects=False, **options)
        except requests.RequestException as error:
            with self.stats.lock:
                self.stats.errors.append((kind, url, repr(error)))
            return None
        elapsed = time.perf_counter() - started
        with self.stats.lock:
            self.stats.latency[kind].append(elapsed)
            self.stats.status[kind][answer.status_code] += 1
            if answer.status_code >= 500:
                self.stats.server_errors.append((kind, url, answer.status_code, answer.text[:300]))
            elif answer.status_code not in expected:
                self.stats.unexpected.append((kind, url, answer.status_code))
        return answer

    # Voters ----------------------------------------------------------------------------------

    def _visitor(self, session) -> str | None:
        raw = session.cookies.get("visitor")
        return hashlib.sha256(self.cookie.loads(raw).encode()).hexdigest() if raw else None

    def _ballot(self, rng: random.Random, has_vote: bool) -> tuple[str, dict]:
        roll = rng.random()
        if has_vote and roll < 0.15:
            return "withdraw", {"vote": "withdraw"}
        if roll < 0.55:
            return "yes", {"vote": "yes"}
        if roll < 0.75:
            return "no", {"vote": "no"}
        body = {"vote": "no", "reason": rng.choice(REASONS)}
        if rng.random() < 0.5:
            body["comment"] = rng.choice(COMMENTS)
        return "no with reason", body

    def _vote(self, session, slug: str, token: str, body: dict) -> None:
        path = f"/api/articles/de/{slug}/vote"
        headers = {"X-CSRFToken": token, "Accept": "application/json"}
        answer = self.call(session, "vote", "POST", path, json=body, headers=headers)
        visitor = self._visitor(session)
        if visitor is None:
            return
        key = (visitor, slug)
        with self.stats.lock:
            self.stats.visitors.add(visitor)
            if answer is not None and answer.status_code == 200:
                self.stats.votes[key] = answer.json()
                self.stats.uncertain.discard(key)
            elif answer is None or answer.status_code >= 500:
                self.stats.uncertain.add(key)  # it may or may not have been stored

    def voter(self, number: int) -> None:
        rng = random.Random(number)
        while not self.over():
            try:
                self._visit(rng)
            except Exception as error:  # a client bug must show, not silently end a thread
                with self.stats.lock:
                    self.stats.errors.append(("voter", "-", repr(error)))

    def _visit(self, rng: random.Random) -> None:
        """One browser: one or two articles, one to four votes on each."""
        session = self.session()
        # A third of the visitors read and judge a second article with the same cookie.
        for _ in range(2 if rng.random() < 0.33 else 1):
            # Most votes go to a few articles, so their score rows are contended.
            slug = self.articles[min(int(rng.expovariate(0.6)), len(self.articles) - 1)]
            page = self.call(session, "article page", "GET", f"/de/artikel/{slug}")
            if page is None or page.status_code != 200 or not CSRF.search(page.text):
                break
            token = CSRF.search(page.text).group(1)
            has_vote = False
            for _ in range(rng.randint(1, 4)):
                if self.over():
                    break
                kind, body = self._ballot(rng, has_vote)
                double = has_vote and rng.random() < 0.1
                with self.stats.lock:
                    self.stats.vote_kinds[kind] += 1
                    self.stats.vote_kinds["double click"] += double
                if double:  # the same vote twice at once, as an impatient second click
                    other = self.pool.submit(self._vote, session, slug, token, body)
                    self._vote(session, slug, token, body)
                    other.result()
                else:
                    self._vote(session, slug, token, body)
                has_vote = kind != "withdraw"
                time.sleep(rng.uniform(0, 0.05))

    # Bookers ---------------------------------------------------------------------------------

    def booker(self, number: int) -> None:
        rng = random.Random(10_000 + number)
        count = 0
        while not self.over():
            count += 1
            try:
                self._book(rng, f"Soak Kunde {number}-{count}")
            except Exception as error:  # a client bug must show, not silently end a thread
                with self.stats.lock:
                    self.stats.errors.append(("booker", "-", repr(error)))

    def event(self, name: str) -> None:
        with self.stats.lock:
            self.stats.booking_events[name] += 1

    def _book(self, rng: random.Random, name: str) -> None:
        session = self.session()
        page = self.call(session, "booking page", "GET", "/de/termin")
        if page is None or page.status_code != 200 or not CSRF.search(page.text):
            return
        services = {label.strip(): value for value, label in OPTION.findall(page.text)}
        service_name, device, problem = rng.choice(JOBS)
        if service_name not in services:
            return
        form = {
            "csrf_token": CSRF.search(page.text).group(1),
            "step": "1",
            "service": services[service_name],
            "postcode": rng.choice(POSTCODES),
        }
        for step, fields in (
            ("1", {}),
            ("2", {"device_type": device, "brand": "Nordmann", "model": "X1", "problem": problem}),
        ):
            form.update(step=step, **fields)
            page = self.call(session, "booking step", "POST", "/de/termin", data=form)
            if page is None or page.status_code != 200:
                return
        slots = list(dict.fromkeys(SLOT.findall(page.text)))
        for _attempt in range(6):
            if not slots or self.over():
                self.event("no window offered" if not slots else "stopped")
                return
            # Everyone wants one of the earliest windows: that is where bookings collide.
            form.update(step="3", slot=rng.choice(slots[:3]))
            page = self.call(
                session, "booking step", "POST", "/de/termin", data=form, expected=(200, 400)
            )
            if page is None:
                return
            if page.status_code == 400:  # taken between the calendar and "next"
                self.event("lost at step 3")
                slots = list(dict.fromkeys(SLOT.findall(page.text)))
                continue
            form.update(
                step="4",
                name=name,
                email="kunde@example.org",
                phone="040 1234567",
                street="Hauptstraße 1",
                city="Hamburg",
                consent="y",
            )
            # The form is multipart (it may carry photos): send it as a browser does.
            parts = [(key, (None, value)) for key, value in form.items()]
            parts.append(("photos", ("", b"", "application/octet-stream")))
            answer = self.call(
                session, "book", "POST", "/de/termin/buchen", files=parts, expected=(303, 409)
            )
            if answer is None:
                return
            if answer.status_code == 303:
                location = answer.headers["Location"]
                with self.stats.lock:
                    self.stats.bookings.append(location.rstrip("/").rsplit("/", 1)[-1])
                self.call(session, "manage page", "GET", location.removeprefix(self.base))
                return
            if answer.status_code != 409:
                return
            self.event("409 taken")
            slots = list(dict.fromkeys(SLOT.findall(answer.text)))
        self.event("gave up")


# Server ---------------------------------------------------------------------------------------


# Database -------------------------------------------------------------------------------------


def _votes(db, models) -> dict:
    """Every stored vote as (visitor hash, slug) -> what the API would answer."""
    Article, ArticleVote = models.Article, models.ArticleVote
    rows = db.session.execute(
        db.select(ArticleVote, Article.slug).join(Article, Article.id == ArticleVote.article_id)
    ).all()
    return {
        (vote.visitor, slug): {
            "vote": "yes" if vote.helpful else "no",
            "reason": vote.reason.value if vote.reason else None,
            "comment": vote.comment,
        }
        for vote, slug in rows
    }


def _check_cap(db, models, visitors: set[str], cap: int) -> tuple[bool, str]:
    """All clients share one address: no article may have more counted votes from it than
    PORTAL_VOTES_PER_ADDRESS, however many of them arrive at once."""
    Article, ArticleVote = models.Article, models.ArticleVote
    rows = db.session.execute(
        db.select(Article.slug, ArticleVote.address, db.func.count())
        .join(Article, Article.id == ArticleVote.article_id)
        .where(ArticleVote.counted.is_(True), ArticleVote.visitor.in_(sorted(visitors)))
        .group_by(Article.slug, ArticleVote.address)
    ).all()
    over = [f"{slug}: {count}" for slug, _, count in rows if count > cap]
    most = max((count for _, _, count in rows), default=0)
    return not over, (
        f"counted soak votes per article and address within PORTAL_VOTES_PER_ADDRESS "
        f"(at most {most}, cap {cap})" + (f": {', '.join(over)}" if over else "")
    )


def _appointment_ids(db, Appointment) -> set[int]:
    return set(db.session.scalars(db.select(Appointment.id)))


def _check_scores(db, models, ranking) -> tuple[bool, str]:
    """The running sums against a rebuild from the counted votes, without writing."""
    ArticleScore, ArticleVote = models.ArticleScore, models.ArticleVote
    rules = ranking.scoring()
    rebuilt: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for vote in db.session.scalars(db.select(ArticleVote).where(ArticleVote.counted.is_(True))):
        rebuilt[vote.article_id][0 if vote.helpful else 1] += rules.forward_weight(vote.day)
    stored = {
        row.article_id: (row.yes, row.no) for row in db.session.scalars(db.select(ArticleScore))
    }
    wrong = []
    for article_id in set(rebuilt) | set(stored):
        want, have = rebuilt.get(article_id, (0.0, 0.0)), stored.get(article_id, (0.0, 0.0))
        if any(abs(a - b) > 1e-6 * max(1.0, abs(a)) for a, b in zip(want, have, strict=True)):
            wrong.append(f"article {article_id}: stored {have}, rebuilt {want}")
    return not wrong, f"{len(stored)} articles" + (": " + "; ".join(wrong[:5]) if wrong else "")


def _check_windows(db, booking_models) -> list[tuple[bool, str]]:
    Appointment, OccupiedWindow = booking_models.Appointment, booking_models.OccupiedWindow
    open_ones = db.session.scalars(
        db.select(Appointment).where(Appointment.status.in_(booking_models.OPEN_STATUSES))
    ).all()
    taken = Counter(
        (a.technician_id, a.day, window)
        for a in open_ones
        for window in range(a.first_window, a.first_window + a.window_count)
    )
    twice = [key for key, count in taken.items() if count > 1]
    derived = {
        (a.id, a.technician_id, a.day, window)
        for a in open_ones
        for window in range(a.first_window, a.first_window + a.window_count)
    }
    rows = [
        (row.appointment_id, row.technician_id, row.day, row.window)
        for row in db.session.scalars(db.select(OccupiedWindow))
    ]
    return [
        (
            not twice,
            f"no technician holds one window twice ({len(open_ones)} open appointments, "
            f"{len(taken)} windows)" + (f": {twice[:5]}" if twice else ""),
        ),
        (
            set(rows) == derived and len(rows) == len(derived),
            f"occupied_window rows match the open appointments ({len(rows)} rows, "
            f"{len(derived)} expected)",
        ),
    ]


# Report ---------------------------------------------------------------------------------------


def _ms(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def _print_requests(stats: Stats, seconds: float) -> None:
    print(
        f"\n{'requests':<13} {'count':>6} {'per s':>6} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7}  statuses"
    )
    everything = []
    for kind in KINDS:
        samples = stats.latency.get(kind, [])
        everything += samples
        if not samples:
            continue
        codes = " ".join(f"{code}:{n}" for code, n in sorted(stats.status[kind].items()))
        print(
            f"{kind:<13} {len(samples):6d} {len(samples) / seconds:6.1f} {_ms(samples, 0.5):7.1f} "
            f"{_ms(samples, 0.99):7.1f} {max(samples) * 1000:7.1f}  {codes}"
        )
    if everything:
        print(
            f"{'all':<13} {len(everything):6d} {len(everything) / seconds:6.1f} "
            f"{statistics.median(everything) * 1000:7.1f} {_ms(everything, 0.99):7.1f} "
            f"{max(everything) * 1000:7.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--voters", type=int, default=24, help="concurrent voting browsers")
    parser.add_argument("--bookers", type=int, default=8, help="concurrent booking customers")
    parser.add_argument("--articles", type=int, default=8, help="articles the votes go to")
    parser.add_argument(
        "--votes-per-address",
        type=int,
        default=1_000_000,
        help="PORTAL_VOTES_PER_ADDRESS; all clients share 127.0.0.1, so by default every vote "
        "counts and moves the running sums",
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the config's)")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder and logs")
    arguments = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        sys.exit(
            "soak needs PostgreSQL in DATABASE_URL, e.g.\n"
            "  scripts/with-postgres.sh .venv/bin/python bench/soak.py"
        )

    folder = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    key = secrets.token_hex(32)
    env = {
        **os.environ,
        "PORTAL_INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": key,
        "PORTAL_ACCESS_LOG": str(folder / "access.log"),
        "PORTAL_VOTES_PER_ADDRESS": str(arguments.votes_per_address),
        **UNLIMITED_RATES,
    }
    if arguments.workers:
        env["PORTAL_WORKERS"] = str(arguments.workers)
    os.environ.update(env)  # the checking app below reads the same configuration

    from articles import models, ranking
    from booking import models as booking_models
    from booking.scheduling import token_hash
    from portal import create_app
    from portal.extensions import db

    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    failed = True
    server = None
    try:
        print(f"PostgreSQL soak, instance in {folder}")
        print(demo_instance(env).splitlines()[0])
        app = create_app()
        with app.app_context():
            slugs = list(
                db.session.scalars(
                    db.select(models.Article.slug)
                    .where(
                        models.Article.language == "de",
                        models.Article.status == models.Status.PUBLISHED,
                    )
                    .order_by(models.Article.slug)
                    .limit(arguments.articles)
                )
            )
            votes_before = _votes(db, models)
            appointments_before = _appointment_ids(db, booking_models.Appointment)
        server = serving.start("portal", env, folder, ROOT / "gunicorn.conf.py", free_port(18100))
        wait(server, "/de/")
        base = server.base
        workers = env.get("PORTAL_WORKERS") or f"{os.cpu_count() * 2}"
        print(
            f"gunicorn {workers} sync workers at {base}; {arguments.voters} voters on "
            f"{len(slugs)} articles and {arguments.bookers} bookers for {arguments.duration:g} s"
        )
        stats = Stats()
        load_before, cpu_before = os.getloadavg()[0], time.process_time()
        started = time.monotonic()
        soak = Soak(base, stats, started + arguments.duration, slugs, key)
        clients = [
            threading.Thread(target=soak.voter, args=(n,), daemon=True)
            for n in range(arguments.voters)
        ] + [
            threading.Thread(target=soak.booker, args=(n,), daemon=True)
            for n in range(arguments.bookers)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        soak.pool.shutdown()
        elapsed = time.monotonic() - started
        client_cpu = time.process_time() - cpu_before
        load_after = os.getloadavg()[0]
        stop(server)
        print(
            f"ran {elapsed:.1f} s; client threads used {client_cpu:.1f} s CPU "
            f"({client_cpu / elapsed:.0%} of one core); 1-minute load average {load_before:.1f} "
            f"before, {load_after:.1f} after ({os.cpu_count()} cores, shared with anything else "
            "running here)"
        )

        _print_requests(stats, elapsed)
        final = {key: state for key, state in stats.votes.items() if key not in stats.uncertain}
        kinds = stats.vote_kinds
        print(
            f"\nvotes: {sum(stats.status['vote'].values())} answered, "
            f"{stats.status['vote'][200]} accepted ({kinds['yes']} yes, {kinds['no']} no, "
            f"{kinds['no with reason']} no with reason, {kinds['withdraw']} withdrawals; "
            f"{kinds['double click']} double clicks; {stats.status['vote'][200] / elapsed:.1f}/s) "
            f"from {len(stats.visitors)} visitors; "
            f"{sum(1 for s in final.values() if s['vote'])} votes standing at the end"
        )
        events = stats.booking_events
        print(
            f"bookings: {len(stats.bookings)} accepted ({len(stats.bookings) / elapsed:.1f}/s), "
            f"{events['409 taken']} answered 409 "
            f"taken, {events['lost at step 3']} windows lost at step 3, {events['gave up']} gave "
            f"up after 6 tries, {events['no window offered']} found no window"
        )

        with app.app_context():
            checks = []
            problems = len(stats.server_errors) + len(stats.errors)
            checks.append(
                (
                    problems == 0,
                    f"no 5xx and no connection errors ({len(stats.server_errors)} 5xx, "
                    f"{len(stats.errors)} connection errors)",
                )
            )
            checks.append(
                (not stats.unexpected, f"no other unexpected statuses ({len(stats.unexpected)})")
            )
            stored = _votes(db, models)
            expected = dict(votes_before)
            expected.update({k: v for k, v in final.items() if v["vote"] is not None})
            compared = {k: v for k, v in stored.items() if k not in stats.uncertain}
            wrong = [
                f"{key[1]} {key[0][:8]}: stored {compared.get(key)}, answered {expected.get(key)}"
                for key in sorted(set(expected) | set(compared))
                if expected.get(key) != compared.get(key)
            ]
            soak_rows = sum(1 for key in stored if key[0] in stats.visitors)
            checks.append(
                (
                    not wrong,
                    f"stored votes equal the clients' final votes ({soak_rows} soak rows, "
                    f"{len(votes_before)} demo rows"
                    + (
                        f", {len(stats.uncertain)} left out after failed requests"
                        if stats.uncertain
                        else ""
                    )
                    + ")"
                    + ("".join(f"\n        {line}" for line in wrong[:8]) if wrong else ""),
                )
            )
            checks.append(_check_cap(db, models, stats.visitors, arguments.votes_per_address))
            ok, detail = _check_scores(db, models, ranking)
            checks.append((ok, f"article_score running sums equal a rebuild ({detail})"))
            checks += _check_windows(db, booking_models)
            new = _appointment_ids(db, booking_models.Appointment) - appointments_before
            hashes = set(
                db.session.scalars(
                    db.select(booking_models.Appointment.manage_token_hash).where(
                        booking_models.Appointment.id.in_(new)
                    )
                )
            )
            accepted = {token_hash(token) for token in stats.bookings}
            checks.append(
                (
                    len(new) == len(stats.bookings) and hashes == accepted,
                    f"new appointments are exactly the accepted bookings ({len(new)} stored, "
                    f"{len(stats.bookings)} accepted)",
                )
            )
        print("\nchecks")
        for ok, text in checks:
            print(f"  {'pass' if ok else 'FAIL'}  {text}")
        failed = not all(ok for ok, _ in checks)
        print(f"{sum(ok for ok, _ in checks)} passed, {sum(not ok for ok, _ in checks)} failed")
        for kind, url, status, body in stats.server_errors[:5]:
            print(f"\n{status} on {kind} {url}:\n{body}")
        for kind, url, what in stats.errors[:5]:
            print(f"\nconnection error on {kind} {url}: {what}")
        for kind, url, status in stats.unexpected[:5]:
            print(f"unexpected {status} on {kind} {url}")
        if stats.server_errors:
            print(f"\ngunicorn log: {server.log}")
    finally:
        tear_down([server] if server else [], folder, arguments.keep or failed)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    serving.interruptible(main)
