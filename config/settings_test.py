"""Settings for the test suite: the production module with safe local defaults."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghij")
os.environ.setdefault("AKSALARASA_HTTPS", "0")
os.environ.setdefault("DEBUG", "0")

from config.settings import *  # noqa: E402,F403
from config.settings import PASSWORD_HASHERS, STORAGES  # noqa: E402

# Tests do not run collectstatic: serve static files straight from the finders.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
AXES_FAILURE_LIMIT = 5
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise expects it)
# argon2id with tiny costs first (config/test_hashers.py); the production list follows, so its hashes verify.
PASSWORD_HASHERS = ["config.test_hashers.QuickArgon2PasswordHasher", *PASSWORD_HASHERS]
