"""Settings for the benchmark: the app's own production settings, on a synthetic directory.

`BENCH_DATABASE` names the SQLite file (bench/build.py and bench/run.py set it). DEBUG is off,
as in production, so templates are cached and no query log is kept. What changes is only what
a local, plain-HTTP measurement needs: no redirect to HTTPS, the loopback host, a fixed key,
and static files named without a manifest (the bench never runs `collectstatic`; the lookup it
skips is one dictionary read per file).
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# The app's settings read these when imported; the bench is always a production-like server.
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "navigator-bench-only-not-secret-8d2b6f0e4a9c1e7b3d5f")

from navigator.settings import *  # noqa: F403
from navigator.settings import BASE_DIR, DATABASES

_database = os.environ.get("BENCH_DATABASE", "")
if not _database:
    raise ImproperlyConfigured("Set BENCH_DATABASE to the synthetic directory's SQLite file.")

DATABASES = {
    "default": dj_database_url.parse(
        f"sqlite:///{_database}",
        # The same persistent connections as the app's own default.
        conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
    # And the same connection options (SQLite's page cache and memory map).
    | {"OPTIONS": DATABASES["default"].get("OPTIONS", {})}
}

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1"]
SECRET_KEY = os.environ["SECRET_KEY"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STATIC_ROOT = BASE_DIR / "bench" / ".data" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
