"""Settings for the Pacesetter portal, read from the environment.

Defaults suit a developer's machine (SQLite, DEBUG on, console email). Production sets
DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; `manage.py check --deploy` then
reports nothing.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    """Read a true/false environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    """Read a comma-separated environment variable as a list."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

# A development key is only acceptable while DEBUG is on; production must set SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "pacesetter",
    "schemes",
    "criteria",
    # Before the admin, as django-modeltranslation requires: its ready() registers every app's
    # translation.py (and the histories of translated models, so they record both languages).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

MIDDLEWARE = [
    # First: every log line of a request carries its id (pacesetter.logs).
    "pacesetter.logs.RequestIdMiddleware",
    # Before the SSL redirect and the host check, so the load balancer may ask any app server
    # over plain HTTP by its address; it answers only /healthz and shows nothing secret.
    "pacesetter.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pacesetter.uploads.UnreadableUploadMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A signed-in person's pages come in their recorded language (pacesetter.language).
    "pacesetter.language.RecordedLanguageMiddleware",
    "pacesetter.sign_in.SessionLimitsMiddleware",
    "pacesetter.sign_in.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pacesetter.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "pacesetter.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Every request is one transaction: a failed save leaves nothing half-written.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server and the background worker share the file: write-ahead logging lets
    # readers carry on during a write, IMMEDIATE transactions take the write lock up front
    # (no deadlock upgrading a read lock), and a writer waits its turn rather than failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "pacesetter.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out email or address is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# NCSC password guidance: length and a check against common passwords, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# A password reset link works for an hour.
PASSWORD_RESET_TIMEOUT = 3600
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "criteria:home"
LOGOUT_REDIRECT_URL = "login"

# Every role signs in with a second factor (an authenticator app's code) unless this is off:
# `make demo` turns it off so the demo users sign in with their passwords alone.
REQUIRE_TWO_FACTOR = env_bool("REQUIRE_TWO_FACTOR", True)
OTP_TOTP_ISSUER = "Pacesetter portal"

# Sessions end after 30 minutes without a request and 12 hours after signing in, whatever
# happens (pacesetter.sign_in.SessionLimitsMiddleware); a warning page comes 5 minutes early.
SESSION_IDLE_SECONDS = 30 * 60
SESSION_WARNING_SECONDS = 5 * 60
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS

# Guessing is stopped (django-axes): 5 failed sign-ins for one email, or from one address,
# lock that email or address; each further failure doubles the wait, from 15 minutes up to a
# day (pacesetter.lockout.cool_off). A manager or `manage.py axes_reset_username` lifts it.
AXES_FAILURE_LIMIT = 5
AXES_VERBOSE = False
# Locks are lifted on the People page or by command, both audited; not in the admin.
AXES_ENABLE_ADMIN = False
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = "pacesetter.lockout.cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_USERNAME_CALLABLE = "pacesetter.lockout.attempted_email"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "pacesetter.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# The portal's own audit trail records sign-ins; axes keeps only what it needs to lock.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# What axes keeps of a failed attempt's form never includes a code (nor, as always, a password).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", _("English")), ("cy", _("Welsh"))]
# The portal's Welsh first; then the Welsh for Django's own strings that Django's catalogue
# lacks (kept apart, so `makemessages` never marks them obsolete).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "pacesetter" / "django_locale"]
# Reference content people read (criteria, questions, frameworks, rounds, organisations,
# themes) is kept in both languages by django-modeltranslation: `name` reads `name_en` or
# `name_cy` for the active language (en-gb maps to en), and empty Welsh falls back to English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "cy")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en",)}
# The header's language switch keeps a signed-out person's choice for a year (the cookies page
# reads these settings).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# With a bucket named, attachments, packs and the pack's cached parts go to an S3-compatible
# object store (django-storages) that every app server and worker shares. Objects are private:
# downloads are streamed by the portal's permission-checked views, and any URL the storage
# gives is signed and short-lived. Credentials come from boto3's usual chain
# (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the machine's role).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            # Each object's canned ACL: "private" by default. A bucket whose ACLs are disabled
            # (AWS's "bucket owner enforced", the default for new buckets) refuses any ACL but
            # the owner's: set AWS_DEFAULT_ACL empty there, and its objects are private anyway.
            "default_acl": os.environ.get("AWS_DEFAULT_ACL", "private") or None,
            "querystring_auth": True,
            "querystring_expire": 300,
            # Names are generated (attachments) or unique (packs, cached parts by content),
            # so writing one again replaces it, as the pack cache's use marks rely on.
            "file_overwrite": True,
            # A download is spooled to a temporary file past this size, not held in memory.
            "max_memory_size": 2_621_440,
        },
    }
# Uploads over 2.5 MB spool to a temporary file rather than memory; stored files are not
# world-readable. Limit request bodies at the proxy too (e.g. nginx client_max_body_size 11m).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Email, always sent by the background worker (pacesetter.mail): GOV.UK Notify when
# NOTIFY_API_KEY is set (with NOTIFY_TEMPLATE_ID, its generic template: see
# pacesetter/mail_backends.py), else SMTP when EMAIL_HOST is set, else the console.
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID", "")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if NOTIFY_API_KEY:
    EMAIL_BACKEND = "pacesetter.mail_backends.NotifyEmailBackend"
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "pacesetter@example.org")

# The programme team's contact details, shown on the contact, accessibility and privacy pages.
# The default address is an example: set SUPPORT_EMAIL to the team's real mailbox. The phone
# number and the data protection officer's address are shown only when they are set.
SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "pacesetter@gov.wales")
SUPPORT_PHONE = os.environ.get("SUPPORT_PHONE", "")
DATA_PROTECTION_OFFICER_EMAIL = os.environ.get("DATA_PROTECTION_OFFICER_EMAIL", "")

# Kept between requests (a round's figures): Redis, shared by every app server, when
# REDIS_URL is set (e.g. redis://cache.internal:6379/0); otherwise this process's memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pacesetter",
            # A cache that cannot be reached costs each read or write a second, not a hang.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Background work (the appraisal pack, every email): the database backend, run by
# `manage.py db_worker`; any number of workers may run, each job is claimed by one.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# A strict Content-Security-Policy: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Logs go to stdout, one JSON object a line in production (LOG_FORMAT=json, the default when
# DEBUG is off) or plain text; every line of a request carries its id (pacesetter.logs).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "pacesetter.logs.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every rendering step at INFO, and pikepdf its start-up; only their
    # warnings matter here.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
        # django-axes reports every sign-in at INFO; the audit trail records them already.
        "axes": {"level": "WARNING"},
    },
}
