"""Loaded by pytest as an early plugin (``-p``), before Django reads its settings.

Tests run in production mode (DEBUG off) with a fixed key, whatever the shell exported;
a test that needs another environment starts a subprocess with it.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ["SECRET_KEY"] = "test-secret-key-not-for-production"
os.environ["DEBUG"] = "0"
os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
os.environ.pop("BUDGETCITOYEN_TODAY", None)
# Served over plain HTTP by the test client and the live servers, cookies still Secure as in
# production; one cache per test process (query counts stay those of the pages themselves).
os.environ["HTTPS_ONLY"] = "0"
os.environ["SECURE_COOKIES"] = "1"
os.environ["CACHE_BACKEND"] = "memory"
# The public pages' cache on, as in production (each test process is the only one).
os.environ["PAGE_CACHE"] = "1"
for _name in ("REDIS_URL", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"):
    os.environ.pop(_name, None)

# Uploads and collected files of a test run go to a throwaway folder, never to ./var.
_var = Path(tempfile.mkdtemp(prefix="budgetcitoyen-tests-"))
(_var / "static").mkdir()
os.environ["BUDGETCITOYEN_VAR_DIR"] = str(_var)
atexit.register(shutil.rmtree, _var, ignore_errors=True)
