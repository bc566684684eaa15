"""The benchmarks' servers: a demo instance, gunicorn started with the project's settings on a
free loopback port, waited for, and stopped (also when a benchmark fails)."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Every request of a benchmark comes from one address: the portal's rate limits, raised out of
# the way, as environment for its processes.
UNLIMITED_RATES = dict.fromkeys(
    (
        "PORTAL_LOGIN_RATE_LIMIT",
        "PORTAL_VOTE_RATE_LIMIT",
        "PORTAL_VOTE_VISITOR_RATE_LIMIT",
        "PORTAL_BOOKING_RATE_LIMIT",
        "PORTAL_MANAGE_RATE_LIMIT",
        "PORTAL_BOOKING_API_RATE_LIMIT",
        "PORTAL_TRIAGE_RATE_LIMIT",
    ),
    "1000000 per minute",
) | {"PORTAL_PER_WORKER_LIMITS": "1"}  # limits out of the way need no storage the workers share


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    base: str
    log: Path


def run(command: list[str], env: dict) -> str:
    """Run a command in the project; exit with its output when it fails."""
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def free_port(start: int) -> int:
    return int(run([sys.executable, str(ROOT / "scripts" / "free_port.py"), str(start)], {}))


def demo_instance(env: dict) -> str:
    """Migrate, load the demo content and build the index; return what the demo load said."""
    run([str(BIN / "portal"), "db", "upgrade"], env)
    loaded = run([str(BIN / "portal"), "demo", "load"], env)
    run([str(BIN / "portal"), "search", "reindex"], env)
    return loaded


def start(name: str, env: dict, folder: Path, config: Path, port: int, app: str = "") -> Server:
    """Start gunicorn with ``config`` (and ``app`` instead of the portal) on ``port``."""
    log = folder / f"{name}.log"
    command = [str(BIN / "gunicorn"), "-c", str(config)] + ([app] if app else [])
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "PORTAL_BIND": f"127.0.0.1:{port}"},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(name, process, f"http://127.0.0.1:{port}", log)


def wait(server: Server, path: str, seconds: float = 90) -> None:
    """Wait until ``path`` answers 200; exit with the server's log if it ends or never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            sys.exit(f"{server.name} exited:\n{server.log.read_text()[-3000:]}")
        with (
            contextlib.suppress(OSError, urllib.error.HTTPError),
            urllib.request.urlopen(server.base + path, timeout=5) as answer,  # noqa: S310
        ):
            if answer.status == 200:
                return
        time.sleep(0.2)
    stop(server)
    sys.exit(f"{server.name} did not answer within {seconds:.0f} s:\n{server.log.read_text()}")


def stop(server: Server) -> None:
    """Graceful stop of the gunicorn master (its workers finish); kill its group if it hangs."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()


def tear_down(servers: Iterable[Server], folder: Path, keep: bool) -> None:
    """Stop the servers; keep the folder for a look when asked or when something failed."""
    for server in servers:
        stop(server)
    if keep:
        print(f"kept {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


def interruptible(main: Callable[[], None]) -> None:
    """Run a benchmark; Ctrl-C ends it with its servers stopped (by its ``finally``)."""
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted; servers stopped")
