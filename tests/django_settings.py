"""Django settings for the tests of the Django app (``iso10002.contrib.django``) only.

``django_support.configure()`` loads them the first time a Django test runs; nothing else
in the suite configures Django. The database is PostgreSQL (``ISO10002_TEST_POSTGRES_URL``,
by default the local server's ``test`` database) under a name unique to this process, which
``django_support`` creates, migrates and drops.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import unquote, urlsplit

POSTGRES_URL = os.environ.get(
    "ISO10002_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
_url = urlsplit(POSTGRES_URL)
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
# A child process of a test (several writers on one database) is given its parent's name.
DATABASE_NAME = os.environ.get("ISO10002_DJANGO_TEST_DATABASE") or (
    f"iso10002_django_{_worker}_{uuid.uuid4().hex[:12]}"
)

SECRET_KEY = "iso10002-tests-only"  # a test project
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
USE_TZ = True
TIME_ZONE = "Europe/London"  # not UTC, so the admin's conversion to local time shows
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "iso10002.contrib.django",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "django_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "HOST": _url.hostname or "127.0.0.1",
        "PORT": str(_url.port or 5432),
        "USER": unquote(_url.username or "postgres"),
        "PASSWORD": unquote(_url.password or ""),
        "OPTIONS": {"connect_timeout": 10},
    },
    # SQLite in memory (one database per thread's connection): the migrations must apply
    # here too, since hosts run their own tests on it.
    "embedded": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, for test users
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "/static/"
