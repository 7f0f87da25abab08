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

# Uploads and collected files of a test run go to a throwaway folder, never to ./var.
_var = Path(tempfile.mkdtemp(prefix="budgetcitoyen-tests-"))
(_var / "static").mkdir()
os.environ["BUDGETCITOYEN_VAR_DIR"] = str(_var)
atexit.register(shutil.rmtree, _var, ignore_errors=True)
