"""HTTP benchmark: the customer pages under gunicorn, measured against hello-world Flask.

Page and API timings inside one process miss what a visitor sees: the WSGI server, workers
competing for two cores, compression, the database under concurrent requests. This builds a
throwaway demo portal (SQLite in a temp folder, or ``DATABASE_URL``), serves it with the
project's ``gunicorn.conf.py`` (access log off, it costs throughput), serves a hello-world Flask
app (``bench/hello_app.py``) with the same settings as the ceiling, and puts each target under a
bounded ``wrk`` load that looks like a browser (gzip/br, German, a Firefox user agent, so
article views are counted as for a real reader). A wrk script (``bench/wrk_status.lua``) counts
answers per status class, so 5xx and other non-2xx are exact.

Prints requests/s, p50/p99 latency and the ratio to hello-world per target, then the aims:
article page at least 50 % of hello-world, search page and suggest API at least 25 %, p99 under
100 ms, no 5xx. Exits 1 on any 5xx or socket error (a missed aim only prints MISS).

    .venv/bin/python bench/http_load.py --duration 10
    scripts/with-postgres.sh .venv/bin/python bench/http_load.py      # the same on PostgreSQL
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench import serving
from bench.serving import UNLIMITED_RATES, Server, demo_instance, free_port, tear_down, wait

HELLO = "bench.hello_app:app"
LUA = HERE / "wrk_status.lua"
BROWSER = {
    "Accept-Encoding": "gzip, deflate, br",
    "Accept-Language": "de",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
}
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
JSON = "application/json, */*;q=0.5"
P99_AIM_MS = 100.0


@dataclass
class Target:
    name: str
    path: str
    accept: str
    aim: float | None = None  # least share of hello-world's requests/s
    figures: dict = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.figures["requests"] / (self.figures["duration_us"] / 1e6)

    @property
    def non_2xx(self) -> int:
        return sum(self.figures[key] for key in ("s1xx", "s3xx", "s4xx", "s5xx", "sother"))

    @property
    def errors(self) -> int:
        return sum(self.figures[key] for key in ("connect", "read", "write", "timeout"))


def _bench_config(folder: Path) -> Path:
    """The project's gunicorn.conf.py with the access log switched off (``None`` skips building
    each line, which an ``--access-logfile /dev/null`` would still do)."""
    config = folder / "gunicorn.bench.conf.py"
    source = ROOT / "gunicorn.conf.py"
    config.write_text(
        "# Written by bench/http_load.py: the project's settings, access log off.\n"
        f"_source = {str(source)!r}\n"
        "with open(_source) as _file:\n"
        "    exec(compile(_file.read(), _source, 'exec'))\n"
        "accesslog = None\n"
    )
    return config


def _get(url: str, accept: str = HTML) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers={**BROWSER, "Accept": accept})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def _text(body: bytes, headers: dict) -> str:
    """Decode a page for discovery, whatever compression the server chose."""
    encoding = headers.get("Content-Encoding", "")
    if encoding == "gzip":
        import gzip

        body = gzip.decompress(body)
    elif encoding == "deflate":
        import zlib

        body = zlib.decompress(body)
    elif encoding == "br":
        import brotli  # Flask-Compress brings it along

        body = brotli.decompress(body)
    return body.decode("utf-8", "replace")


def _wrk(url: str, target: Target, arguments, seconds: float) -> dict:
    command = [
        "wrk",
        f"--threads={arguments.threads}",
        f"--connections={arguments.connections}",
        f"--duration={seconds:g}s",
        "--timeout=10s",
        "--latency",
        f"--script={LUA}",
        *(f"--header={name}: {value}" for name, value in BROWSER.items()),
        f"--header=Accept: {target.accept}",
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if done.returncode or line is None:
        sys.exit(f"wrk failed on {url}:\n{done.stdout}{done.stderr}")
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line)}


def _setup(env: dict) -> None:
    started = time.perf_counter()
    articles = re.search(r"Demo articles: (\d+) created", demo_instance(env))
    print(
        f"demo instance ready in {time.perf_counter() - started:.1f} s"
        + (f" ({articles.group(1)} articles)" if articles else " (database had data already)")
    )


def _targets(portal: Server, arguments) -> list[Target]:
    """The URLs under load, found from the running portal rather than assumed."""
    _status, body, headers = _get(portal.base + "/de/")
    home = _text(body, headers)
    slugs = re.findall(r'href="/de/artikel/([a-z0-9-]+)"', home)
    article = arguments.article or (slugs[0] if slugs else None)
    if not article:
        sys.exit("no article link on /de/; pass --article SLUG")
    _status, body, headers = _get(portal.base + "/de/termin")
    services = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', _text(body, headers))
    if not services and not arguments.service:
        sys.exit("no service on /de/termin; pass --service ID")
    service = arguments.service or next(
        (sid for sid, name in services if "Waschmaschine" in name), services[0][0]
    )
    first = datetime.now(ZoneInfo("Europe/Berlin")).date() + timedelta(days=2)
    query = urllib.parse.quote_plus(arguments.query)
    return [
        Target("home", "/de/", HTML),
        Target("article", f"/de/artikel/{article}", HTML, 0.50),
        Target("search page", f"/de/suche?q={query}", HTML, 0.25),
        Target(
            "suggest API",
            f"/api/suggest?q={urllib.parse.quote(arguments.suggest)}&lang=de",
            JSON,
            0.25,
        ),
        Target(
            "slots API",
            f"/api/booking/slots?service={service}&postcode={arguments.postcode}"
            f"&from={first.isoformat()}&to={(first + timedelta(days=13)).isoformat()}",
            JSON,
        ),
    ]


def _probe(server: Server, target: Target) -> None:
    status, body, headers = _get(server.base + target.path, target.accept)
    encoding = headers.get("Content-Encoding", "identity")
    print(f"  {target.name:<12} {status} {len(body):>6} bytes {encoding:<8} {target.path}")
    if status != 200:
        sys.exit(f"{target.name} answers {status} before any load: {server.base}{target.path}")


def _load(server: Server, target: Target, arguments) -> None:
    url = server.base + target.path
    if arguments.warmup > 0:
        _wrk(url, target, arguments, arguments.warmup)
    target.figures = _wrk(url, target, arguments, arguments.duration)
    p99 = target.figures["p99_us"] / 1000
    print(f"  {target.name:<12} {target.rps:8.0f} req/s  p99 {p99:6.1f} ms")


def _report(hello: Target, targets: list[Target]) -> int:
    print()
    print(
        f"{'target':<12} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'vs hello':>8} "
        f"{'non-2xx':>7} {'5xx':>5} {'errors':>6}"
    )
    for target in [hello, *targets]:
        figures = target.figures
        print(
            f"{target.name:<12} {target.rps:8.0f} {figures['p50_us'] / 1000:7.1f} "
            f"{figures['p99_us'] / 1000:7.1f} {target.rps / hello.rps:8.0%} "
            f"{target.non_2xx:7d} {figures['s5xx']:5d} {target.errors:6d}"
        )
    aims = []
    for target in targets:
        if target.aim is not None:
            share = target.rps / hello.rps
            aims.append(
                (
                    share >= target.aim,
                    f"{target.name} >= {target.aim:.0%} of hello-world ({share:.0%})",
                )
            )
    for target in targets:
        p99 = target.figures["p99_us"] / 1000
        aims.append((p99 < P99_AIM_MS, f"{target.name} p99 < {P99_AIM_MS:.0f} ms ({p99:.1f} ms)"))
    fives = sum(target.figures["s5xx"] for target in targets)
    errors = sum(target.errors for target in targets)
    aims.append((fives == 0, f"no 5xx ({fives})"))
    aims.append((errors == 0, f"no socket errors or timeouts ({errors})"))
    print("\naims")
    for met, text in aims:
        print(f"  {'pass' if met else 'MISS'}  {text}")
    print(f"{sum(met for met, _ in aims)} of {len(aims)} aims met")
    return fives + errors


def _tracebacks(server: Server) -> str:
    """The error lines and tracebacks from a gunicorn log, for the report of a 5xx."""
    lines = server.log.read_text(errors="replace").splitlines()
    keep = [n for n, line in enumerate(lines) if "Traceback" in line or "ERROR" in line]
    chunks = []
    for start in keep[:5]:
        chunk = lines[start : start + 40]
        end = next((n for n, line in enumerate(chunk[1:], 1) if re.match(r"^\S.*Error", line)), 39)
        chunks.append("\n".join(chunk[: end + 1]))
    return "\n\n".join(chunks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per target")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of load before each")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the config's)")
    parser.add_argument("--query", default="Fehlercode", help="search page query")
    parser.add_argument("--suggest", default="heizk", help="suggest API input")
    parser.add_argument("--postcode", default="20095", help="slots API postcode")
    parser.add_argument("--article", help="article slug (default: first one on /de/)")
    parser.add_argument("--service", help="service id for the slots API (default: discovered)")
    parser.add_argument(
        "--user-agent",
        default=BROWSER["User-Agent"],
        help="sent with every request; a bot-like one (curl/8) skips the article view count",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp folder and logs")
    arguments = parser.parse_args()
    BROWSER["User-Agent"] = arguments.user_agent
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")

    folder = Path(tempfile.mkdtemp(prefix="bench-http-"))
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(folder / "instance")}
    env.update(UNLIMITED_RATES)
    if arguments.workers:
        env["PORTAL_WORKERS"] = str(arguments.workers)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    servers: list[Server] = []
    problems = 0
    try:
        database = "PostgreSQL" if env.get("DATABASE_URL") else "SQLite"
        print(f"{database}, instance in {folder}")
        _setup(env)
        config = _bench_config(folder)
        port = free_port(18000)
        servers.append(serving.start("portal", env, folder, config, port))
        servers.append(serving.start("hello", env, folder, config, free_port(port + 1), HELLO))
        portal, hello_server = servers
        wait(portal, "/de/")
        wait(hello_server, "/")
        workers = env.get("PORTAL_WORKERS") or f"{os.cpu_count() * 2} (2 x CPU)"
        print(
            f"gunicorn.conf.py: {workers} sync workers, access log off; wrk {arguments.threads} "
            f"threads x {arguments.connections} connections, {arguments.warmup:g} s warm-up + "
            f"{arguments.duration:g} s per target"
        )
        targets = _targets(portal, arguments)
        hello = Target("hello-world", "/", HTML)
        print("first answers:")
        _probe(hello_server, hello)
        for target in targets:
            _probe(portal, target)
        print("load:")
        load_before = os.getloadavg()[0]
        _load(hello_server, hello, arguments)
        for target in targets:
            _load(portal, target, arguments)
        print(
            f"1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
            f"({os.cpu_count()} cores, shared with wrk and anything else running here)"
        )
        problems = _report(hello, targets)
        if problems:
            print(f"\nportal log: {portal.log}\n{_tracebacks(portal)}")
    finally:
        tear_down(servers, folder, arguments.keep or bool(problems))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    serving.interruptible(main)
