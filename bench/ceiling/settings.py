"""Settings of the ceiling project: no app, no middleware, one persistent connection per worker.

It measures what the stack itself (gunicorn, Django's request handling, psycopg, PostgreSQL)
can do on this machine: the vote benchmark compares the platform to it side by side.
"""

import os

import dj_database_url

SECRET_KEY = "bench-ceiling-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.ceiling.urls"
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=600)}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
USE_TZ = True
