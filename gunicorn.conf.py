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


class SecretsMaskedLogger(Logger):
    """The access log without the tokens of private links, which open a customer's data."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U", "q", "f"):
            if isinstance(atoms.get(name), str):
                atoms[name] = _SECRET.sub("…", atoms[name])
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
