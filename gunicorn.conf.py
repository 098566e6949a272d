"""gunicorn's settings for `make run` and production (gunicorn reads ./gunicorn.conf.py by itself).

Pre-fork sync workers: each request holds one worker and one database connection from start to end, which
is what Django's ORM and psycopg expect; 2 × cores + 1 workers keep the CPUs busy while some wait on the
database. WEB_CONCURRENCY (gunicorn's own variable) sets another number.
"""

import multiprocessing
import os

wsgi_app = "hamyar.wsgi:application"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
# A request that takes longer than this is stuck: its worker is replaced.
timeout = int(os.environ.get("HAMYAR_WEB_TIMEOUT", "60"))
# Each gunicorn on the machine has its own control socket only when asked for (several may run at once).
control_socket_disable = True
accesslog = "-" if os.environ.get("HAMYAR_ACCESS_LOG") else None
