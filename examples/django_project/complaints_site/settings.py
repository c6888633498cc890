"""Settings of the example complaints site: PostgreSQL, the admin, and ``ISO10002``.

The database comes from ``DATABASE_URL`` (default: the local server, trust auth, user
``postgres``, database ``complaints_site``). The tests never touch that database: pytest-django
creates a test database of their own, with a name unique to the run (see ``conftest.py``).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-only-not-a-secret")
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "iso10002.contrib.django",
    # Last: its post_migrate step gives the groups permissions of the apps above.
    "complaints_site",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "complaints_site.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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


def database(url: str) -> dict[str, object]:
    """``DATABASES["default"]`` for a ``postgresql://user:password@host:port/name`` URL."""
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/") or "complaints_site",
        "HOST": parts.hostname or "127.0.0.1",
        "PORT": str(parts.port or 5432),
        "USER": unquote(parts.username or "postgres"),
        "PASSWORD": unquote(parts.password or ""),
        "OPTIONS": {"connect_timeout": 10},
    }


DATABASES = {
    "default": database(
        os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/complaints_site")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "Europe/London"
LANGUAGE_CODE = "en-gb"
STATIC_URL = "static/"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # an example: print them
DEFAULT_FROM_EMAIL = "complaints@bank.example"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-complaints"

# The complaints desk (iso10002.contrib.django.conf): the FCA's deadlines, access decided by
# Django's groups and permissions, refused attempts kept in the database.
ISO10002 = {
    "POLICY": "fca.disp.standard",
    "ACCESS": "complaints_site.access.group_policy",
    "REFUSALS": "complaints_site.access.DatabaseRefusalLog",
}
