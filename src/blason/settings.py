"""Blason settings: one module, every deploy-time value from the environment.

Why one module of over 400 lines: Django reads its settings from one module, and having every
deploy-time value in one place is the point (``tests/blason/test_settings.py`` checks them
against ``.env.example``).

Each variable is documented in ``.env.example`` at the root of the checkout and in the
README. A ``.env`` file in ``BLASON_HOME`` (the checkout when running from source) is read
first; real environment variables win over it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

from blason.env import (
    env_bool,
    env_choice,
    env_hours,
    env_int,
    env_list,
    env_networks,
    env_rates,
    env_str,
    env_trust_lists,
)

PACKAGE_DIR = Path(__file__).resolve().parent
_SOURCE_CHECKOUT = PACKAGE_DIR.parent.parent
_DEFAULT_HOME = _SOURCE_CHECKOUT if (_SOURCE_CHECKOUT / "pyproject.toml").exists() else Path.cwd()
BLASON_HOME = Path(env_str("BLASON_HOME", str(_DEFAULT_HOME))).resolve()
# DOTENV_FILE=off (the test suite sets it) keeps a developer's .env out of the process.
_dotenv = env_str("DOTENV_FILE", str(BLASON_HOME / ".env"))
if _dotenv != "off":
    load_dotenv(_dotenv, override=False)

DATA_DIR = Path(env_str("DATA_DIR", str(BLASON_HOME / "var"))).resolve()

# --- Core -----------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "" if not DEBUG else "insecure-development-key-" + "x" * 40)
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is required when DEBUG is false (run `make run` once to write a .env file, "
        "or see .env.example)."
    )
# Where `blason serve` listens; without SITE_URL, links point there (a wildcard address as the
# machine itself), so `BIND=127.0.0.1:8111 make run` writes links to port 8111.
BIND = env_str("BIND", "127.0.0.1:8000")
# The rest of what `blason serve` runs: gunicorn processes, threads in each (kept above
# FETCH_MAX_CONCURRENT), background worker processes (0 when workers run elsewhere), and the
# proxies allowed to set X-Forwarded-* headers.
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", 2, minimum=1)
WEB_THREADS = env_int("WEB_THREADS", 2, minimum=1)
TASK_WORKERS = env_int("TASK_WORKERS", 1, minimum=0)
FORWARDED_ALLOW_IPS = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
_bind_host, _colon, _bind_port = BIND.rpartition(":")
_bind_host = "127.0.0.1" if _bind_host in {"", "0.0.0.0", "[::]", "::"} else _bind_host  # noqa: S104
SITE_URL = env_str("SITE_URL", f"http://{_bind_host}:{_bind_port or 8000}").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.hostname:
    raise ImproperlyConfigured(f"SITE_URL must be an http(s) URL, not {SITE_URL!r}.")
SITE_NAME = env_str("SITE_NAME", "Blason")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [_site.hostname, "localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [f"{_site.scheme}://{_site.netloc}"])

# Key-encryption key for issuers' private signing keys (Fernet keys, comma-separated: the
# first encrypts, all decrypt, which is how the KEK is rotated).
KEY_ENCRYPTION_KEYS = env_list("KEY_ENCRYPTION_KEY")
if not KEY_ENCRYPTION_KEYS and not DEBUG:
    raise ImproperlyConfigured(
        "KEY_ENCRYPTION_KEY is required when DEBUG is false: it encrypts issuers' signing keys "
        "at rest. Generate one with `blason generate_kek`."
    )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Ours first, so that our templates override allauth's.
    "blason.core",
    "blason.accounts",
    "blason.issuing",
    "blason.verification",
    "blason.backpack",
    "blason.peers",
    "blason.api",
    "blason.guardians",
    "blason.jobs",
    "blason.networks",
    "blason.pathways",
    "blason.records",
    "blason.exports",
    # Last: its demo part counts the facts of every other app's demo.
    "blason.insights",
    "allauth",
    "allauth.account",
    "oauth2_provider",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
]

MIDDLEWARE = [
    # Before SecurityMiddleware reads X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
    "blason.core.middleware.ForwardedProtoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "blason.core.middleware.HtmlContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (CSRF reads the form): 413 without reading it.
    "blason.core.middleware.BodySizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "blason.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "blason.accounts.middleware.RateLimitedMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "blason.urls"
WSGI_APPLICATION = "blason.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blason.core.context_processors.site",
                "blason.accounts.context_processors.unconfirmed",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'blason.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] and _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers work while the worker writes; IMMEDIATE transactions plus a busy
    # timeout turn "database is locked" into a short wait. SQLite's default page cache (2 MB)
    # makes index updates read from the OS once the database outgrows it (a bulk award of
    # 100,000 people slowed by half): up to 128 MB of cache (taken as pages are used), and reads
    # through a memory map of up to 2 GB (address space, not memory). The write-ahead log is
    # copied into the database every 64 MB rather than every 4 MB: each copy ends with an
    # fsync, and a bulk award's chunk of 500 awards (about 2.5 MB) triggered one per commit
    # (a third of the awarding's time went to commits).
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-131072; "
            "PRAGMA mmap_size=2147483648; PRAGMA wal_autocheckpoint=16384;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20, minimum=1),
    }
elif _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to SQLite or PostgreSQL.")
# Each web thread keeps its connection between requests: a new SQLite connection reads the
# whole schema again and runs the PRAGMAs above, a new PostgreSQL one costs a round of
# authentication — more than a cached public page costs to serve.
_db["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60, minimum=0)
_db["CONN_HEALTH_CHECKS"] = True

# --- Redis: cache, rate limits and the distributed task queue --------------------------------
REDIS_URL = env_str("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    # Shared by every web process and the worker without any extra service. It holds the
    # rate limits' counts, one entry per address and limit: room for 100,000 of them, each
    # written with one statement (``blason.core.db_cache``).
    CACHES = {
        "default": {
            "BACKEND": "blason.core.db_cache.DatabaseCache",
            "LOCATION": "blason_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Public pages and verification results (``blason.core.page_cache``): never the database, so
# that reading a page writes nothing. Shared by every process through Redis when there is one;
# otherwise each web process keeps its own, bounded, in memory. Entries are keyed on what they
# show (an award's revocation, a status list's revision), so a change is seen at once.
_pages_cache: dict[str, Any] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "pages",
        "TIMEOUT": 300,
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "blason-pages",
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
)
CACHES["pages"] = _pages_cache
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 900}}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "")
_default_email_backend = "smtp" if EMAIL_HOST or not DEBUG else "console"
_email_backend = env_choice("EMAIL_BACKEND", ("smtp", "console"), _default_email_backend)
EMAIL_BACKEND = f"django.core.mail.backends.{_email_backend}.EmailBackend"
if _email_backend == "smtp" and not EMAIL_HOST and not DEBUG:
    raise ImproperlyConfigured(
        "EMAIL_HOST is required when DEBUG is false (or set EMAIL_BACKEND=console)."
    )
EMAIL_PORT = env_int("EMAIL_PORT", 587 if env_bool("EMAIL_USE_TLS", True) else 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL) and not EMAIL_USE_SSL
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"Blason <noreply@{_site.hostname}>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Quotas of people e-mailed a day (UTC) because of someone's action: awards, invitations,
# claims. A space sends to MAIL_QUOTA_NEW_SPACE_PER_DAY people until an operator marks it
# trusted (/operator/mail/), then to MAIL_QUOTA_TRUSTED_SPACE_PER_DAY (0: no limit). An account
# sends to MAIL_QUOTA_ACCOUNT_PER_DAY people through spaces not trusted, all together (creating
# more spaces gives no more). Operators (staff accounts) have no quota.
MAIL_QUOTA_NEW_SPACE_PER_DAY = env_int("MAIL_QUOTA_NEW_SPACE_PER_DAY", 50, minimum=0)
MAIL_QUOTA_TRUSTED_SPACE_PER_DAY = env_int("MAIL_QUOTA_TRUSTED_SPACE_PER_DAY", 0, minimum=0)
MAIL_QUOTA_ACCOUNT_PER_DAY = env_int("MAIL_QUOTA_ACCOUNT_PER_DAY", 100, minimum=0)

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# Uploaded files count towards UPLOAD_MAX_BYTES too (blason.core.middleware).
FILE_UPLOAD_HANDLERS = [
    "blason.core.middleware.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
_storage = env_choice("STORAGE_BACKEND", ("local", "s3"), "local")
_default_storage: dict[str, Any]
if _storage == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("S3_REGION", "") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "custom_domain": env_str("S3_CUSTOM_DOMAIN", "") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Private files (badge-request evidence) are kept apart from MEDIA_ROOT and handed out only by
# views that check access (blason.core.storage): on S3 under "private/" with signed addresses
# valid PRIVATE_URL_MAX_AGE seconds; locally under PRIVATE_ROOT, sent by Django or, with
# PRIVATE_FILES_ACCEL_PREFIX, by nginx (X-Accel-Redirect to an internal location).
PRIVATE_ROOT = Path(env_str("PRIVATE_ROOT", str(DATA_DIR / "private")))
PRIVATE_FILES_ACCEL_PREFIX = env_str("PRIVATE_FILES_ACCEL_PREFIX", "")
PRIVATE_URL_MAX_AGE = env_int("PRIVATE_URL_MAX_AGE", 300, minimum=10)
_private_storage: dict[str, Any]
if _storage == "s3":
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_default_storage["OPTIONS"],
            "location": "private",
            "custom_domain": None,  # signed addresses need the bucket's own endpoint
            "querystring_auth": True,
            "querystring_expire": PRIVATE_URL_MAX_AGE,
        },
    }
else:
    _private_storage = {"BACKEND": "blason.core.storage.PrivateFileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Serve uploads from Django when they are stored locally (small installs without a web server in
# front); a reverse proxy or a CDN serving MEDIA_ROOT does it better at scale.
SERVE_MEDIA = env_bool("SERVE_MEDIA", _storage == "local")

# Content-Security-Policy on every HTML page (django-csp): scripts only from this site's static
# files (no inline script, no eval, no event-handler attributes). Styles also allow inline
# style attributes and elements: the tallies' bar widths, inline SVG badges and QR codes, and
# htmx's indicator style use them; they cannot run code. Images may come from object storage.
_csp_images = [SELF, "data:", "blob:"]
if _storage == "s3":
    _s3 = _default_storage["OPTIONS"]
    if _s3.get("custom_domain"):
        _csp_images.append(f"https://{_s3['custom_domain']}")
    elif _s3.get("endpoint_url"):
        _endpoint = urlsplit(str(_s3["endpoint_url"]))
        _csp_images += [
            f"{_endpoint.scheme}://{_endpoint.netloc}",
            f"{_endpoint.scheme}://{_s3['bucket_name']}.{_endpoint.netloc}",
        ]
    else:
        _csp_images.append(f"https://{_s3['bucket_name']}.s3.amazonaws.com")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": _csp_images + env_list("CSP_IMG_SRC"),
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = env_choice("LANGUAGE_CODE", ("fr", "en"), "fr")
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "blason_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Security -------------------------------------------------------------------------------
_https = _site.scheme == "https"
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks). Rate limits key on
# the client's address: without this, behind a proxy every visitor would share the proxy's one.
# Read by blason.core.clients.client_ip only, and only for requests coming from these addresses.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES", [])
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _https)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _https else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
LANGUAGE_COOKIE_SECURE = _https
SESSION_COOKIE_AGE = 14 * 24 * 3600
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HSTS for subdomains and browser preload lists are per-domain choices, made explicitly above;
# check --deploy should not fail an installation that made the other choice.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "sesame.backends.ModelBackend",
]

# --- Accounts (django-allauth, django-sesame) -----------------------------------------------
LOGIN_URL = "account_login"
# Home sends members of a space to their spaces and earners to their badges.
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_ADAPTER = "blason.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Sign in with an e-mail address or a phone number (allauth's phone support: the number is
# ``User.phone``, read and written by the adapter; codes go out by SMS, ``blason.core.sms``).
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
# The sign-up form (accounts.allauth_forms.SignupForm) asks for a phone number *or* an e-mail
# address: "email*" here is what the e-mail way requires, and keeps allauth's mandatory e-mail
# verification for accounts signed up by e-mail (accounts.stages lets in an account whose
# phone number is verified). The password is optional on the phone way.
ACCOUNT_SIGNUP_FIELDS = ["phone", "email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "blason.accounts.forms.SignupExtraForm"
ACCOUNT_FORMS = {
    "login": "blason.accounts.allauth_forms.LoginForm",
    "signup": "blason.accounts.allauth_forms.SignupForm",
    "request_login_code": "blason.accounts.allauth_forms.RequestLoginCodeForm",
    "confirm_login_code": "blason.accounts.allauth_forms.ConfirmLoginCodeForm",
    "verify_phone": "blason.accounts.allauth_forms.VerifyPhoneForm",
    "change_phone": "blason.accounts.allauth_forms.ChangePhoneForm",
    "add_email": "blason.accounts.allauth_forms.AddEmailForm",
    "reset_password": "blason.accounts.allauth_forms.ResetPasswordForm",
}
# Sign in with a code sent by SMS (by e-mail, the one-time link of accounts.views).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 10 * 60
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
# "Send a new code" (once) and "change the number" (twice) on the page waiting for the code.
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = 1
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = 1
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_CHANGE = 2
# Six digits, easy to read in an SMS and to type on a phone's number pad.
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
# Several verified addresses per account: badges awarded to any of them reach its backpack.
ACCOUNT_CHANGE_EMAIL = False
ACCOUNT_MAX_EMAIL_ADDRESSES = 10
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = _site.scheme
ACCOUNT_PREVENT_ENUMERATION = True
SIGNUP_OPEN = env_bool("SIGNUP_OPEN", True)
# Attempts per period (allauth's syntax: "<count>/<period><unit>[/<key>]"); backed by the cache
# so every web process shares the counters.
ACCOUNT_RATE_LIMITS = {
    "login": env_str("RATE_LIMIT_LOGIN", "30/m/ip"),
    # "key" is the account *and* the client address (accounts.adapters): wrong passwords lock
    # the account for the client that typed them, not for its owner elsewhere.
    "login_failed": env_str("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "signup": env_str("RATE_LIMIT_SIGNUP", "20/m/ip"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "login_link": env_str("RATE_LIMIT_LOGIN_LINK", "10/m/ip,3/5m/key"),
    # Codes by SMS: asked to sign in ("key" is the number), sent to verify a number (at
    # sign-up, or added to an account), and numbers changed on an account. Each code takes
    # three wrong attempts at most (ACCOUNT_*_MAX_ATTEMPTS) before a new one is needed. Per
    # address as generous as sign-up (a job fair's room shares one Wi-Fi); the limits per number
    # (here and SMS_RATE_LIMIT_*) and the hourly cap per address bound what a robot can cost.
    "request_login_code": env_str("RATE_LIMIT_SMS_CODE", "20/m/ip,200/h/ip,3/10m/key,10/d/key"),
    "verify_phone": env_str("RATE_LIMIT_SMS_VERIFY", "20/m/ip,200/h/ip,1/30s/key,10/d/key"),
    "change_phone": "3/10m/user",
    "verify": env_str("RATE_LIMIT_VERIFY", "30/m/ip"),
    # Unknown claim codes typed or opened (a code is 40 random bits: guessing needs billions).
    "claim": env_str("RATE_LIMIT_CLAIM", "20/m/ip,200/d/ip"),
    # Claims sent through an event's claim link. A whole room may share one address (the
    # venue's Wi-Fi, a carrier's NAT): generous per minute, still a wall for a robot.
    "claim_link": env_str("RATE_LIMIT_CLAIM_LINK", "30/m/ip,600/h/ip"),
    # Imports and re-checks of backpack badges, which fetch documents from other sites.
    "backpack_fetch": "30/m/user",
    # Open Badges API client registrations (RFC 7591, open to anyone) per address.
    "api_register": env_str("RATE_LIMIT_API_REGISTER", "20/h/ip"),
    # Reports of unwanted e-mail (the link at the bottom of every message).
    "abuse_report": "10/h/ip",
}
SESAME_MAX_AGE = env_int("LOGIN_LINK_MAX_AGE", 20 * 60, minimum=60)
SESAME_ONE_TIME = True
SESAME_TOKEN_NAME = "token"  # noqa: S105 - the query parameter's name, not a secret

# --- Children's accounts (blason.guardians; see docs/operations.md) ---------------------------
# Below this age a person needs a parent's or guardian's agreement to have an account: 15 in
# France (loi Informatique et Libertés, art. 45); GDPR art. 8 allows 13 to 16.
DIGITAL_CONSENT_AGE = env_int("DIGITAL_CONSENT_AGE", 15, minimum=13)
if DIGITAL_CONSENT_AGE > 16:
    raise ImproperlyConfigured("DIGITAL_CONSENT_AGE must be between 13 and 16 (GDPR art. 8).")
# Days a child's account waits for the parent's answer; then it is deleted.
GUARDIAN_CONSENT_DAYS = env_int("GUARDIAN_CONSENT_DAYS", 14, minimum=1)
# Messages to a parent asked by a held account, and access links asked by parents.
ACCOUNT_RATE_LIMITS["guardian_message"] = "30/h/ip,3/h/key"
ACCOUNT_RATE_LIMITS["guardian_link"] = "10/m/ip,3/5m/key"

# --- Open Badges 3.0 API (OAuth 2.0 with django-oauth-toolkit; see docs/api.md) -----------
# Terms of service and privacy policy the service description points to (default: the
# "connected applications" page of this site).
API_TERMS_URL = env_str("API_TERMS_URL", "")
API_PRIVACY_URL = env_str("API_PRIVACY_URL", "")
# Applications may register http:// addresses on the loopback interface (local development).
API_ALLOW_HTTP_LOOPBACK = env_bool("API_ALLOW_HTTP_LOOPBACK", DEBUG)
# django-oauth-toolkit's own models (named here because blason.api refers to them).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OAUTH2_SERVER_CLASS": "blason.api.oauth.ObServer",
    "SCOPES_BACKEND_CLASS": "blason.api.scopes.ObScopes",
    "OAUTH2_VALIDATOR_CLASS": "blason.api.oauth.ObValidator",
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    # RFC 9207: the authorization response names its issuer (this site).
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "OIDC_ISS_ENDPOINT": SITE_URL,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 300,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int("API_REFRESH_TOKEN_DAYS", 180, minimum=1) * 86400,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # Applications are created by registration, which checks their redirect URIs (HTTPS, or
    # http on loopback when API_ALLOW_HTTP_LOOPBACK).
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if API_ALLOW_HTTP_LOOPBACK else ["https"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
}

# --- Awarding -------------------------------------------------------------------------------
# Phone numbers written without a country code are read in this region (ISO 3166 code).
PHONE_REGION = env_str("PHONE_REGION", "FR").upper()
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Rows in one spreadsheet of awards.
BATCH_MAX_ROWS = env_int("BATCH_MAX_ROWS", 20_000, minimum=1)
# Processes that sign the credentials of a bulk award (this one and helpers): every core by
# default, up to 4. 1 signs in the worker process alone.
SIGNING_PROCESSES = env_int("SIGNING_PROCESSES", min(os.cpu_count() or 1, 4), minimum=1)

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env_choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Fetching other sites' documents (verification, imports) ---------------------------------
# Private and loopback addresses are refused unless allowed (an intranet, or tests).
FETCH_ALLOW_PRIVATE = env_bool("FETCH_ALLOW_PRIVATE", False)
# Seconds for a whole fetch (name lookup, connection, every read, redirects), not per read.
FETCH_TIMEOUT = env_int("FETCH_TIMEOUT", 10, minimum=1)
# Remote fetches at once per web process, and per client address: kept below the threads of a
# process (WEB_THREADS, default 2), so slow servers can never hold every thread
# (docs/operations.md).
FETCH_MAX_CONCURRENT = env_int("FETCH_MAX_CONCURRENT", 1, minimum=1)
FETCH_MAX_PER_CLIENT = env_int("FETCH_MAX_PER_CLIENT", 2, minimum=1)
VERIFY_MAX_BYTES = env_int("VERIFY_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Lists of recognised issuers (signed W3C RecognizedEntityCredentials) the verifiers of this
# site read, besides those of its own networks: a JSON array of {"name", "url", "issuers"}.
TRUST_LISTS = env_trust_lists("TRUST_LISTS")

BLASON_VERSION = "0.1.0"
HEALTHZ_QUEUE_STALE_SECONDS = env_int("HEALTHZ_QUEUE_STALE_SECONDS", 600, minimum=10)

# --- Delivery and workers (docs/operations.md) ------------------------------------------------
# Every worker writes a heartbeat this often; one silent for WORKER_DEAD_SECONDS is dead, and
# the others take back its batches and the e-mails it was sending.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 5, minimum=1)
WORKER_DEAD_SECONDS = env_int("WORKER_DEAD_SECONDS", 30, minimum=2)
# The dashboards and the skills map read facts counted by a worker (docs/insights.md): at least
# every INSIGHTS_MAX_AGE_MINUTES, and sooner, at most every INSIGHTS_MIN_INTERVAL_MINUTES, when
# awards changed.
INSIGHTS_MAX_AGE_MINUTES = env_int("INSIGHTS_MAX_AGE_MINUTES", 60, minimum=1)
INSIGHTS_MIN_INTERVAL_MINUTES = env_int("INSIGHTS_MIN_INTERVAL_MINUTES", 5, minimum=1)
# The largest export file a space's owner imports through the site (docs/exports-format.md);
# uploads are limited by UPLOAD_MAX_BYTES too. `blason import_space` takes larger files.
EXPORTS_IMPORT_MAX_MB = env_int("EXPORTS_IMPORT_MAX_MB", 20, minimum=1)
# An e-mail the mail server does not accept is tried again after 30 s, 1 min, 2 min... (at most
# an hour apart), up to this many times; then it is marked failed and /healthz says so.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 12, minimum=1)

# --- SMS (blason.core.sms, docs/operations.md) ------------------------------------------------
# off (no SMS: claim codes on paper and QR codes still work), console (printed, development),
# locmem (kept in memory, tests), brevo (Brevo transactional SMS), or the dotted path of a
# backend class. Default: brevo when SMS_BREVO_API_KEY is set, console when DEBUG, else off.
SMS_BREVO_API_KEY = env_str("SMS_BREVO_API_KEY", "")
SMS_BREVO_API_URL = env_str("SMS_BREVO_API_URL", "https://api.brevo.com/v3").rstrip("/")
_sms_backends = {
    "off": "",
    "console": "blason.core.sms.backends.console.SmsBackend",
    "locmem": "blason.core.sms.backends.locmem.SmsBackend",
    "brevo": "blason.core.sms.backends.brevo.SmsBackend",
}
_sms_default = "brevo" if SMS_BREVO_API_KEY else ("console" if DEBUG else "off")
_sms_backend = env_str("SMS_BACKEND", _sms_default).strip()
if _sms_backend not in _sms_backends and "." not in _sms_backend:
    raise ImproperlyConfigured(
        f"SMS_BACKEND must be one of {', '.join(_sms_backends)} or a dotted path, "
        f"not {_sms_backend!r}."
    )
SMS_BACKEND = _sms_backends.get(_sms_backend, _sms_backend)
if _sms_backend == "brevo" and not SMS_BREVO_API_KEY:
    raise ImproperlyConfigured("SMS_BACKEND=brevo needs SMS_BREVO_API_KEY.")
if urlsplit(SMS_BREVO_API_URL).scheme not in ("http", "https"):
    raise ImproperlyConfigured("SMS_BREVO_API_URL must be an http(s) address.")
# The sender shown on phones: 3 to 11 letters or digits (or a number of up to 15 digits).
SMS_SENDER = env_str("SMS_SENDER", "Blason")
if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ]{2,10}|\+?[0-9]{3,15}", SMS_SENDER):
    raise ImproperlyConfigured(
        f"SMS_SENDER must be 3 to 11 letters or digits, or a phone number, not {SMS_SENDER!r}."
    )
SMS_TIMEOUT = env_int("SMS_TIMEOUT", 10, minimum=1)
# How many SMS one phone number, and one scope (a space: "issuer:<uuid>"), may be sent: rules
# "count/period" (s, m, h, d; "10/5m"), comma-separated. Refused SMS are not sent.
SMS_RATE_LIMIT_NUMBER = env_rates("SMS_RATE_LIMIT_NUMBER", "6/h,20/d")
SMS_RATE_LIMIT_SCOPE = env_rates("SMS_RATE_LIMIT_SCOPE", "1000/d")
# No SMS in these local hours (TIME_ZONE) except the ones a person waits for (sign-in codes):
# the others wait for the end of the range. Empty: SMS at any hour.
SMS_QUIET_HOURS = env_hours("SMS_QUIET_HOURS", "21:00-08:00")
# --- Job offers (blason.jobs, docs/operations.md) ---------------------------------------------
# Where the "Offres près de chez vous" blocks find offers: france_travail (France Travail's
# "Offres d'emploi v2" API, with the credentials below), fixtures (fictitious offers bundled for
# the demo and tests) or none (the blocks say offers are unavailable; nothing is sent anywhere).
# Default: france_travail when FRANCE_TRAVAIL_CLIENT_ID is set, otherwise none.
FRANCE_TRAVAIL_CLIENT_ID = env_str("FRANCE_TRAVAIL_CLIENT_ID", "")
FRANCE_TRAVAIL_CLIENT_SECRET = env_str("FRANCE_TRAVAIL_CLIENT_SECRET", "")
JOB_OFFERS_PROVIDER = env_choice(
    "JOB_OFFERS_PROVIDER",
    ("france_travail", "fixtures", "none"),
    "france_travail" if FRANCE_TRAVAIL_CLIENT_ID else "none",
)
if JOB_OFFERS_PROVIDER == "france_travail" and not (
    FRANCE_TRAVAIL_CLIENT_ID and FRANCE_TRAVAIL_CLIENT_SECRET
):
    raise ImproperlyConfigured(
        "JOB_OFFERS_PROVIDER=france_travail needs FRANCE_TRAVAIL_CLIENT_ID and "
        "FRANCE_TRAVAIL_CLIENT_SECRET."
    )
# How long the offers for some occupations around a place are kept before asking again.
JOB_OFFERS_CACHE_SECONDS = env_int("JOB_OFFERS_CACHE_SECONDS", 6 * 3600, minimum=0)
FRANCE_TRAVAIL_TOKEN_URL = env_str(
    "FRANCE_TRAVAIL_TOKEN_URL",
    "https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=%2Fpartenaire",
)
FRANCE_TRAVAIL_API_URL = env_str(
    "FRANCE_TRAVAIL_API_URL", "https://api.francetravail.io/partenaire/offresdemploi/v2"
).rstrip("/")
for _name, _url in (
    ("FRANCE_TRAVAIL_TOKEN_URL", FRANCE_TRAVAIL_TOKEN_URL),
    ("FRANCE_TRAVAIL_API_URL", FRANCE_TRAVAIL_API_URL),
):
    if urlsplit(_url).scheme not in ("http", "https"):
        raise ImproperlyConfigured(f"{_name} must be an http(s) address.")
FRANCE_TRAVAIL_TIMEOUT = env_int("FRANCE_TRAVAIL_TIMEOUT", 10, minimum=1)
APP_NAME = _("Blason")
