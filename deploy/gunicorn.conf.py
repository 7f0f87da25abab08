"""gunicorn's configuration for Budget citoyen (``gunicorn -c deploy/gunicorn.conf.py``).

Every value can be changed without editing this file, through the environment (the systemd
unit's ``Environment=``) or gunicorn's own ``GUNICORN_CMD_ARGS``. See docs/DEPLOYMENT.md,
"gunicorn".
"""

from __future__ import annotations

import os

wsgi_app = "budgetcitoyen.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# --- Worker class and count: measured ------------------------------------------------------------
# sync workers, 2 per core plus 1. Chosen with the vote benchmark (bench/bench_vote_http.py,
# docs/PERFORMANCE.md "The vote through HTTP"), 2 cores, PostgreSQL on the same machine, one run
# each on 2026-12-02: casting 27.3 ballots/s with sync x 5 (p99 186 ms), 26.8 with gthread 3 x 2
# (p99 316 ms), 26.3 with gthread 2 x 4 (p99 232 ms), 24.3 with sync x 3 (p99 171 ms); the whole
# journey 11.7, 10.8, 9.2 and 8.5 ballots/s. Requests are CPU-bound (rendering, the ORM) with
# short database round trips, so threads add little beside the GIL; the proxy buffers slow
# clients (deploy/nginx.conf), so a sync worker is never held by a phone on a bad network.
# Each worker takes about 100 MiB. Measure again on the production machine before the vote.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1" if worker_class == "sync" else "4"))
# The settings read WEB_CONCURRENCY to refuse a per-process cache with several workers.
os.environ["WEB_CONCURRENCY"] = str(workers)

# --- Time limits ---------------------------------------------------------------------------------
# A worker silent for this long is killed and replaced (the slowest legitimate request, a
# dossier's PDF or a large export, takes a few seconds).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (deploy, restart), requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Keep-alive with the proxy in front (nginx keeps upstream connections open).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# --- Recycling -----------------------------------------------------------------------------------
# Each worker is replaced after about this many requests (a slow leak cannot grow for a whole
# month); the jitter spreads the restarts so that workers never restart all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))

# Load Django once in the master, then fork: workers start in milliseconds and share memory.
# Database connections are opened per request or per worker, never before the fork.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"

# --- Requests and logs ---------------------------------------------------------------------------
# Smaller than the proxy's own limits would be pointless; these only guard a direct access.
limit_request_line = 8190
limit_request_fields = 100
# The proxy's address is the only one trusted to set X-Forwarded-Proto (the settings read
# X-Forwarded-For themselves, TRUSTED_PROXY_COUNT).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# An empty GUNICORN_ACCESS_LOG writes none (the proxy keeps its own).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Request time in microseconds (%(D)s) for the monitoring; no query string (a receipt code
# is sent by POST, but a search may hold a name) and no cookie.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)sus'
proc_name = "budgetcitoyen"
