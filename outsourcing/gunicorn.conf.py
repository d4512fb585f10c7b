"""Gunicorn settings for `make run` (and a starting point for production).

    gunicorn -c outsourcing/gunicorn.conf.py outsourcing.wsgi

Sized for a 2-core machine: two worker processes (one per core, so the GIL never serialises
the whole site) with four threads each, so a request waiting on SQLite's write lock or on the
network does not hold up the others. Every value can be changed from the environment.
"""

import os
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# Connections the kernel queues while every thread is busy: a burst of voters waits here
# instead of being refused or reset (Linux caps it at net.core.somaxconn).
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))
# A worker silent this long is restarted. Above SQLite's 20 s busy timeout, so a request that
# queued for the write lock fails with its own error rather than a killed worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
# Browsers reuse a connection for the page's CSS and the next click.
keepalive = 5

# Restart each worker now and then, so that slow leaks cannot accumulate.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10

# One line per request on stdout, like runserver; GUNICORN_ACCESS_LOG= (empty) turns it off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms'

# Heartbeat files in memory, not on a possibly slow disk.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"

# Gunicorn ≥ 25 opens a control socket at one fixed path per user; two servers (make run and
# a benchmark) would fight over it, and nothing here uses it.
control_socket_disable = True
