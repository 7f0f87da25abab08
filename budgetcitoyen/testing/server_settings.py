"""Settings of the app servers that tests start as separate processes (``testing/servers.py``).

The production settings, read from the same environment, with what the test run itself sets
for its whole session (``conftest._fast_and_quiet``): the fast password hasher (the factories'
users sign in on these servers), and static files without the manifest ``collectstatic``
would write. The cache keys carry the prefix of the run, so that runs sharing one Redis never
see each other's counts.

Between two transactional tests the test database is emptied and Django's content types are
written again under new ids, which no production database ever does; each process of a
server keeps the content types it has read (the audit log points to them), so it forgets
them at each request here (``testing.servers.forget_content_types``).
"""

import os

from budgetcitoyen.settings import *  # noqa: F403
from budgetcitoyen.settings import CACHES, MIDDLEWARE, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES["default"]["KEY_PREFIX"] = os.environ.get("BUDGETCITOYEN_CACHE_PREFIX", "")
MIDDLEWARE = ["budgetcitoyen.testing.servers.forget_content_types", *MIDDLEWARE]
