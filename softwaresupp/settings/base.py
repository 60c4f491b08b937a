"""Settings shared by every environment.

Values come from the environment (django-environ). Without any, the platform runs on its
embedded default: SQLite and kombu's filesystem broker under ``var/``, console email.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The embedded default's keys are public (they are in this file): ``manage.py start`` refuses
# them once PostgreSQL is configured, and production settings have no defaults at all.
DEVELOPMENT_SECRET_KEY = "insecure-embedded-default-key-change-me"
DEVELOPMENT_FIELD_ENCRYPTION_KEY = "0JTDdM3nWdHDmPKbr1yqTJb2Ho2ttZ4UM4CGBGJ6sCU="
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The name emails greet and sign with (allauth's "Hello from …!" included).
SITE_NAME = env.str("SITE_NAME", default="SoftwareSupp")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "pgtrigger",
    "softwaresupp",
    "accounts",
    "projects",
    "timesheets",
    "payments",
    "leads",
    "onboarding",
    "surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "softwaresupp.middleware.RequestSizeLimitMiddleware",
    "softwaresupp.middleware.NulByteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "softwaresupp.timezones.UserTimeZoneMiddleware",
    "softwaresupp.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
]

ROOT_URLCONF = "softwaresupp.urls"
WSGI_APPLICATION = "softwaresupp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: wait for locks instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "softwaresupp.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="ss"),
            # A Redis that is down or hanging costs a request half a second, not a 500.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
else:
    # A file cache is shared by every process of the embedded default, so allauth's
    # rate limits hold across the web server's threads and restarts.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        },
    }


def fragments_cache(default: dict) -> dict:
    """Rendered page parts (the board's cards), keyed by their content: nothing to
    invalidate, so one Redis shared by every process is safe; kept under their own prefix,
    apart from the rate-limit counters. Without Redis, per process: a file per card would
    crowd the counters out of the file cache, which culls at 300 entries."""
    if "Redis" in default["BACKEND"]:
        return {**default, "KEY_PREFIX": default["KEY_PREFIX"] + "-fragments", "TIMEOUT": 6 * 3600}
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 20000},
        "TIMEOUT": 6 * 3600,
    }


CACHES["fragments"] = fragments_cache(CACHES["default"])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Served from the finders too, so the embedded default needs no collectstatic.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Accounts (django-allauth): email is the login; customers sign up, members are invited.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.CustomerSignupForm"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[SoftwareSupp] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
# allauth's defaults (failed logins per key and per IP, resets, signups) stay on; they live
# in the cache above, which is Redis in production.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key"}
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "SoftwareSupp"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SoftwareSupp <team@softwaresupp.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="support@softwaresupp.com")
STAFF_ALERT_EMAIL = env.str("STAFF_ALERT_EMAIL", default="team@softwaresupp.com")
EXPERT_MAILBOX_DOMAIN = env.str("EXPERT_MAILBOX_DOMAIN", default="expert.softwaresupp.com")
# R-NPS: a weekly survey can be answered (and the answer changed) this many days.
SURVEY_EXPIRY_DAYS = env.int("SURVEY_EXPIRY_DAYS", default=14)
# R-COMMISSION: a referral link attributes a visitor for this many days (the first link
# wins); the commission is this share of each paid invoice of an attributed customer, held
# this many days before it is credited to the beneficiary's balance.
REFERRAL_WINDOW_DAYS = env.int("REFERRAL_WINDOW_DAYS", default=90)
COMMISSION_RATE = env.str("COMMISSION_RATE", default="0.25")
COMMISSION_HOLD_DAYS = env.int("COMMISSION_HOLD_DAYS", default=30)

# Key for application-level encryption of secrets at rest (MFA seeds, customer
# credentials): a Fernet key, or several comma-separated (first encrypts; all decrypt).
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=[DEVELOPMENT_FIELD_ENCRYPTION_KEY]
)

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport in var/.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue = VAR_DIR / "broker" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        # kombu's exchange tables; its default is ./control, beside manage.py.
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Publishing does not wait for a broker that is down (kombu would retry for seconds): the
# only publisher is the outbox's on-commit relay, and the outbox sweep catches up.
CELERY_BROKER_TRANSPORT_OPTIONS["max_retries"] = 0
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Request bodies can carry passwords and credentials: never log them.
        "django.request": {"level": "ERROR"},
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): scripts, styles, fonts and fetches only from this
# site; nothing inline (htmx is told not to inject its indicator styles nor to eval, see
# base.html). Images may be data: URIs: Bootstrap's CSS draws its form icons with them and
# allauth shows the TOTP QR code as one. The weekly summary page alone allows style
# attributes (csp_update on its view): its body is the email's, whose styles must be inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# A request's body is refused (413) from its declared size before it is read: room for a
# query's five 10 MB attachments and its text, so one file just over 10 MB still gets the
# message beside the field. Form fields (files aside) stay within Django's 2.5 MB.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=55 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads go to a temporary file
# R-RATE-MIN: the least a customer pays per hour for an expert of each region (USD),
# non-negotiable. RATE_FLOOR is the lowest of them, also held by a database check.
RATE_MINIMUMS = {"eu": "50.00", "asia": "50.00", "us": "100.00", "western_europe": "100.00"}
RATE_FLOOR = "50.00"
# R-SETTLE: pay periods are two weeks from this Monday; a period is settled once it ended
# and SETTLEMENT_GRACE_DAYS more days passed (late Sunday hours in any time zone).
SETTLEMENT_ANCHOR = env.str("SETTLEMENT_ANCHOR", default="2026-01-05")
SETTLEMENT_GRACE_DAYS = 1
