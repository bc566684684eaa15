"""gunicorn settings for ``make serve``; every value can be overridden from the environment.

Sync workers suit this app: requests are short, CPU-bound page renders and small database
queries, and each worker keeps its own search searcher and caches warm. Two workers per core
keep the CPUs busy while one worker waits for the database.
"""

import multiprocessing
import os

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
