"""Django settings, driven by the environment with helpers that fail loudly on a bad value.

Environment variables (all optional for the embedded default):

- ``DATABASE_URL``: PostgreSQL (``postgresql://user@host:5432/name``); SQLite at
  ``var/careboard.sqlite3`` when unset.
- ``CAREBOARD_VAR_DIR``: where the database, the cache and the secret key live (default ``var/``
  in the working directory).
- ``CAREBOARD_SECRET_KEY``: the signing key; when unset a random one is created once in
  ``var/secret_key`` (never committed).
- ``CAREBOARD_DEBUG`` (``true``/``false``), ``CAREBOARD_ALLOWED_HOSTS`` (comma separated),
  ``CAREBOARD_SECURE_COOKIES`` (``true`` behind HTTPS), ``CAREBOARD_SESSION_IDLE_MINUTES``,
  ``CAREBOARD_COUNCIL_NAME`` (shown in the header).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}={raw!r}: expected one of true/false/1/0/yes/no/on/off")


def env_int(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected a whole number") from None
    if value < minimum:
        raise ValueError(f"{name}={raw!r}: must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _secret_key(var_dir: Path) -> str:
    """The signing key from the environment, else one made once and kept (mode 0600) in var/."""
    from_env = os.environ.get("CAREBOARD_SECRET_KEY")
    if from_env is not None:
        if len(from_env) < 50:
            raise ValueError("CAREBOARD_SECRET_KEY must be at least 50 characters")
        return from_env
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


VAR_DIR = Path(env_str("CAREBOARD_VAR_DIR", str(Path.cwd() / "var"))).resolve()
CACHE_DIR = VAR_DIR / "cache"
PACKAGE_DIR = Path(__file__).resolve().parent

DEBUG = env_bool("CAREBOARD_DEBUG", False)
SECRET_KEY = _secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("CAREBOARD_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
COUNCIL_NAME = env_str("CAREBOARD_COUNCIL_NAME", "Northbridge Council")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "careboard.web.accounts",
    "careboard.web.audit",
    "careboard.web.data",
    "careboard.web.scorecard",
    "careboard.web.worklists",
    "careboard.web.children",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "careboard.web.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "careboard.web.sessions.RenewIdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "careboard.web.urls"
WSGI_APPLICATION = "careboard.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "careboard.web.context.site",
            ],
        },
    }
]

_database_url = os.environ.get("DATABASE_URL")
if _database_url:
    if not _database_url.startswith(("postgres://", "postgresql://")):
        raise ValueError("DATABASE_URL must be a postgresql:// URL (SQLite is the default when unset)")
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "careboard.sqlite3"),
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["careboard.web.accounts.backends.LockoutBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
LOCKOUT_ATTEMPTS = env_int("CAREBOARD_LOCKOUT_ATTEMPTS", 5)
LOCKOUT_MINUTES = env_int("CAREBOARD_LOCKOUT_MINUTES", 15)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after a period without activity and when the browser closes. A request renews the
# session's expiry at most once a minute (careboard/web/sessions.py), not with a write per request.
SESSION_COOKIE_AGE = env_int("CAREBOARD_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
_secure = env_bool("CAREBOARD_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_SSL_REDIRECT = _secure
SECURE_HSTS_SECONDS = 31536000 if _secure else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_DIR = PACKAGE_DIR / "static"
STATIC_ROOT = str(STATIC_DIR)  # served by the application itself (and by the test live server)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CAREBOARD_LOG_LEVEL", "WARNING")},
}
