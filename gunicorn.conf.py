"""gunicorn settings for ``make serve``; every value can be overridden from the environment.

Sync workers suit this app: requests are short, CPU-bound page renders and small database
queries, and each worker keeps its own search searcher and caches warm. Two workers per core
keep the CPUs busy while one worker waits for the database.
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger

wsgi_app = "portal.wsgi:app"
bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PORTAL_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "sync"
timeout = int(os.environ.get("PORTAL_WORKER_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests (with jitter, so they do not all restart at once).
max_requests = int(os.environ.get("PORTAL_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("PORTAL_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("PORTAL_LOG_LEVEL", "info")
# Address, request line, status, bytes, milliseconds; behind a proxy set PORTAL_BEHIND_PROXY.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'

# A path segment or query value this long is a secret (a manage link's token, an invitation's).
_SECRET = re.compile(r"(?<=[/=])[A-Za-z0-9_.-]{20,}")
# A query value, and the names whose values say nothing about a person (pages, languages).
_QUERY_VALUE = re.compile(r"(?P<name>(?:^|(?<=[?&]))[^=&\s]+)=(?P<value>[^&\s#]*)")
_PLAIN_NAMES = frozenset(
    ["lang", "seite", "page", "kategorie", "category", "leistung", "service", "tag", "ab", "format"]
)


def _masked(text: str) -> str:
    """``text`` without secrets and without query values that may be personal: what someone
    searched for, asked to be called about or typed for triage stays out of the log."""

    def value(match: re.Match) -> str:
        plain = match["name"] in _PLAIN_NAMES or not match["value"]
        return match[0] if plain else f"{match['name']}=…"

    path, mark, query = _SECRET.sub("…", text).partition("?")
    return path + mark + _QUERY_VALUE.sub(value, query) if mark else path


class SecretsMaskedLogger(Logger):
    """The access log without the tokens of private links, which open a customer's data, and
    without the query values of searches, callback topics and triage texts."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U", "f"):
            if isinstance(atoms.get(name), str):
                atoms[name] = _masked(atoms[name])
        if isinstance(atoms.get("q"), str):
            atoms["q"] = _masked("?" + atoms["q"])[1:]
        return atoms


logger_class = SecretsMaskedLogger


def on_starting(server):
    """Refuse to serve with rate limits that each worker counts for itself: ten wrong
    passwords a minute would then be ten per worker."""
    storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    per_worker = server.cfg.workers > 1 and storage.startswith("memory://")
    if per_worker and os.environ.get("PORTAL_PER_WORKER_LIMITS") != "1":
        server.log.error(
            "Rate limits would count per worker (RATELIMIT_STORAGE_URI=%s with %d workers). "
            "Set RATELIMIT_STORAGE_URI to a Redis that all workers share (make serve starts "
            "one when redis-server is installed), run one worker (PORTAL_WORKERS=1), or "
            "accept per-worker counting with PORTAL_PER_WORKER_LIMITS=1.",
            storage,
            server.cfg.workers,
        )
        raise SystemExit(3)
