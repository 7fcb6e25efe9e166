"""Settings for the test suite: production's own, with a throwaway secret key and plain HTTP.

Tests run as production does (debug off, secure cookies, HSTS, CSP, throttled sign-in); only
what a test server cannot have differs. Set in the environment before the real settings are
read, so processes that tests start inherit the same values. Such processes must drop
DJANGO_SETTINGS_MODULE from their environment and so run ``carepool.site.settings``: a
console script (``carepool``) cannot import ``tests`` (see tests/cli/test_setup.py).
"""

from __future__ import annotations

import os
import secrets

os.environ["CAREPOOL_DEBUG"] = "0"  # even when a developer has exported CAREPOOL_DEBUG=1
os.environ.setdefault("CAREPOOL_SECRET_KEY", "tests-" + secrets.token_urlsafe(50))
os.environ["CAREPOOL_SSL_REDIRECT"] = "0"  # the test client and the live server speak HTTP
# No persistent connections: a live server's idle one would hold the test database open when
# it is dropped (production keeps them for 60 s).
os.environ["CAREPOOL_CONN_MAX_AGE"] = "0"

from carepool.site.settings import *  # noqa: F403

# Static files from where they are, looked up when asked for: production's collected copies
# do not exist here, and scanning every file for each test client would cost 0.3 s a test.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
