"""The reference server of scripts/compare.sh: Django + DRF + simplejwt, configured as
ginrest is by default (settings.Default in ginrest), from the same environment variables.

  SECRET_KEY             required (also simplejwt's SIGNING_KEY, as in ginrest)
  DJANGO_DB              the SQLite file (default db.sqlite3 beside manage.py)
  PASSWORD_ITERATIONS    PBKDF2 iterations (default Django 3.2's 260000)
  ACCESS_TOKEN_LIFETIME  seconds, or with a unit: 90s, 5m, 1h (default 1h, for load runs)
  DJANGO_SQLITE_WAL=1    journal_mode=WAL on every connection (default: Django's own, rollback journal)
"""
import os
import re
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "api",
]

# An API project's middleware: no sessions, messages or CSRF (JWT in headers and bodies;
# DRF's APIView is csrf_exempt anyway). CommonMiddleware redirects /api/token to
# /api/token/, as ginrest does.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "refserver.urls"
WSGI_APPLICATION = "refserver.wsgi.application"
TEMPLATES = []

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DJANGO_DB", str(BASE_DIR / "db.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

PASSWORD_HASHERS = ["api.hashers.EnvPBKDF2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = []

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_L10N = False
USE_TZ = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_THROTTLE_RATES": {},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}


def _duration(value):
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*", value)
    if not m:
        raise ValueError(f"ACCESS_TOKEN_LIFETIME={value!r}: want 300, 90s, 5m, 1h or 1d")
    n, unit = float(m.group(1)), m.group(2) or "s"
    return timedelta(**{"ms": {"milliseconds": n}, "s": {"seconds": n}, "m": {"minutes": n},
                        "h": {"hours": n}, "d": {"days": n}}[unit])


SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": _duration(os.environ.get("ACCESS_TOKEN_LIFETIME", "1h")),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

if os.environ.get("DJANGO_SQLITE_WAL") == "1":
    from django.db.backends.signals import connection_created

    def _wal(sender, connection, **kwargs):
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=WAL")

    connection_created.connect(_wal)

# With DEBUG off Django logs nothing to the console: send server errors (5xx) to stderr,
# which gunicorn writes to its error log, so that compare.sh can show them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
    },
}
