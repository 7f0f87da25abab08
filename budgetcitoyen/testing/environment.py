"""Loaded by pytest as an early plugin (``-p``), before Django reads its settings.

Tests run in production mode (DEBUG off) with a fixed key, whatever the shell exported;
a test that needs another environment starts a subprocess with it.
"""

import os

os.environ["SECRET_KEY"] = "test-secret-key-not-for-production"
os.environ["DEBUG"] = "0"
os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
os.environ.pop("BUDGETCITOYEN_TODAY", None)
