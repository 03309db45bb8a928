"""Settings shared by every environment; values come from the environment once, here."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

PORTAL_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PORTAL_DIR.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "portal",
    "knowledge",
    "consultations",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.table_block",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "csp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # single-use backup codes for a lost phone
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.cache.PageCacheUpdateMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.PolishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "portal.cache.PageCacheFetchMiddleware",
]

# Django's model backend, reading the desk role (adviser, official, coordinator) with the signed-in user.
AUTHENTICATION_BACKENDS = ["consultations.auth.DeskRoleBackend"]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.navigation",
                "consultations.context_processors.desk",
            ],
        },
    },
]

# SQLite file next to the code is the embedded default; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the development server read while a worker or a test writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "static")))
STATICFILES_DIRS = [PORTAL_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Case files live outside MEDIA_ROOT and have no URL: only the access-checked download view serves them.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
PRIVATE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Obserwatorium CUS <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Side effects (search indexing, later e-mail) run in a task queue. "database" keeps the queue in the
# database and needs a worker (manage.py db_worker); "immediate" runs each task in-process after the commit.
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND]
    }
}

# The page cache must be shared by every app process, so that clearing it on publish reaches all of them.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    from urllib.parse import urlsplit, urlunsplit

    def _redis_database(url: str, number: int) -> str:
        # Clearing the page cache flushes its whole Redis database, so pages get a database of their own.
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path=f"/{number}"))

    # django-redis can ignore a Redis outage: the site then serves uncached pages instead of errors.
    _REDIS_OPTIONS = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": _redis_database(REDIS_URL, env_int("REDIS_DB", 0)),
            "KEY_PREFIX": "cus",
            "OPTIONS": _REDIS_OPTIONS,
        },
        "pages": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": _redis_database(REDIS_URL, env_int("REDIS_DB", 0) + 1),
            "KEY_PREFIX": "cus-pages",
            "OPTIONS": _REDIS_OPTIONS,
        },
    }
    # Rate limits fail open while Redis is down: refusing every login would be worse than a short gap.
    RATELIMIT_FAIL_OPEN = True
else:
    CACHE_DIR = Path(env_str("CACHE_DIR", str(BASE_DIR / ".cache")))
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_DIR / "default",
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_DIR / "pages",
        },
    }
CACHE_MIDDLEWARE_ALIAS = "pages"
CACHE_MIDDLEWARE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
CACHE_MIDDLEWARE_KEY_PREFIX = "p"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Per-task and per-page chatter drowns real warnings in imports and tests.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "elastic_transport": {"level": "WARNING"},
    },
}

# Wagtail
WAGTAIL_SITE_NAME = "Obserwatorium CUS"
WAGTAILADMIN_BASE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("pl", "Polski"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = [("pl", "Polski")]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "txt", "csv", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILREDIRECTS_AUTO_CREATE = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILAPI_LIMIT_MAX = 50
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

# Search: Elasticsearch when this is set, else the database's full-text search.
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
ELASTICSEARCH_INDEX = env_str("ELASTICSEARCH_INDEX", "cus-pages")
ELASTICSEARCH_SHARDS = env_int("ELASTICSEARCH_SHARDS", 1)
ELASTICSEARCH_REPLICAS = env_int("ELASTICSEARCH_REPLICAS", 0)
# PostgreSQL search past this many possible matches (the sum of the query words' document frequencies)
# estimates its total and facet counts from a fixed sixteenth of the entries and ranks exactly within a
# window: the entries holding the query's rarest words, up to SEARCH_DATABASE_RANK_WINDOW of them, the
# SEARCH_DATABASE_TITLE_CANDIDATES most recent with its other words in the title, and the
# SEARCH_DATABASE_RECENT_CANDIDATES most recent matches.
SEARCH_DATABASE_EXACT_LIMIT = env_int("SEARCH_DATABASE_EXACT_LIMIT", 5_000)
SEARCH_DATABASE_RANK_WINDOW = env_int("SEARCH_DATABASE_RANK_WINDOW", 5_000)
SEARCH_DATABASE_TITLE_CANDIDATES = env_int("SEARCH_DATABASE_TITLE_CANDIDATES", 500)
SEARCH_DATABASE_RECENT_CANDIDATES = env_int("SEARCH_DATABASE_RECENT_CANDIDATES", 200)
# Results of identical searches are kept this long in the shared cache (0: not cached). Every index change
# starts afresh (a publish shows in the next search), so this only bounds memory, and staleness should a
# change happen while the cache is unreachable.
SEARCH_CACHE_SECONDS = env_int("SEARCH_CACHE_SECONDS", 600)

# Content older than its review date shows in the review report this many days ahead.
PORTAL_REVIEW_WINDOW_DAYS = env_int("PORTAL_REVIEW_WINDOW_DAYS", 30)

# Accounts: officials and staff sign in on the public site; the admin uses the same accounts.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "consultation_list"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
RATELIMIT_USE_CACHE = "default"
ACCOUNT_LOGIN_RATE = env_str("ACCOUNT_LOGIN_RATE", "10/10m")
ACCOUNT_SIGNUP_RATE = env_str("ACCOUNT_SIGNUP_RATE", "5/h")
CONSULTATION_SUBMIT_RATE = env_str("CONSULTATION_SUBMIT_RATE", "20/h")

# Consultation desk.
CONSULTATION_UPLOAD_MAX_MB = env_int("CONSULTATION_UPLOAD_MAX_MB", 10)
CONSULTATION_UPLOAD_MAX_FILES = env_int("CONSULTATION_UPLOAD_MAX_FILES", 5)
# Answered cases close on their own after this many days; a requester may reopen within the same window.
CONSULTATION_AUTO_CLOSE_DAYS = env_int("CONSULTATION_AUTO_CLOSE_DAYS", 14)
# Assignees are reminded this many working days before a case is due.
CONSULTATION_REMINDER_WORKING_DAYS = env_int("CONSULTATION_REMINDER_WORKING_DAYS", 2)
# Personal data of closed cases is anonymised after this many months (RODO storage limitation).
CONSULTATION_RETENTION_MONTHS = env_int("CONSULTATION_RETENTION_MONTHS", 24)
# Failed e-mails are retried with growing pauses up to this many attempts, then left for the operator.
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8)

# Account security: lockout after repeated failed sign-ins, sign-up spam traps, verification links, 2FA.
ACCOUNT_LOCKOUT_FAILURES = env_int("ACCOUNT_LOCKOUT_FAILURES", 5)
ACCOUNT_LOCKOUT_MINUTES = env_int("ACCOUNT_LOCKOUT_MINUTES", 15)
ACCOUNT_PASSWORD_RESET_RATE = env_str("ACCOUNT_PASSWORD_RESET_RATE", "5/h")
ACCOUNT_SIGNUP_MIN_SECONDS = env_int("ACCOUNT_SIGNUP_MIN_SECONDS", 3)
ACCOUNT_SIGNUP_MAX_SECONDS = env_int("ACCOUNT_SIGNUP_MAX_SECONDS", 24 * 60 * 60)
ACCOUNT_VERIFY_EMAIL_DAYS = env_int("ACCOUNT_VERIFY_EMAIL_DAYS", 3)
ACCOUNT_REQUIRE_2FA_FOR_STAFF = env_bool("ACCOUNT_REQUIRE_2FA_FOR_STAFF", False)
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
# The admin signs in through the portal's login, which asks for the one-time code; the middleware
# also stops sessions started elsewhere (e.g. /admin/login/) until the code is given.
WAGTAILADMIN_LOGIN_URL = "account_login"
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "portal.accounts.middleware.OTPRequiredMiddleware",
)

# Content-Security-Policy: scripts only from this site (no inline scripts anywhere in the public templates).
# The Wagtail admin ships inline scripts of its own and is excluded; it sits behind a login.
CSP_EMBED_HOSTS = ["https://www.youtube-nocookie.com", "https://www.youtube.com", "https://player.vimeo.com"]
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": CSP_EMBED_HOSTS,
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}

# Operations: health checks, logs, error reporting and the reverse proxy (see deploy/README.md).
# /health/ reports the queue as degraded when a ready task has waited longer than this (worker stopped).
HEALTH_QUEUE_MAX_AGE_SECONDS = env_int("HEALTH_QUEUE_MAX_AGE_SECONDS", 300)
MIDDLEWARE.insert(0, "portal.logs.RequestIdMiddleware")
# LOG_FORMAT=json: one JSON object per line with the request id, for journald and log collectors.
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT == "json":
    LOGGING["formatters"] = {"json": {"()": "portal.logs.JsonFormatter"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
elif LOG_FORMAT != "text":
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'text' or 'json', got {LOG_FORMAT!r}")
# Behind nginx every request comes from the proxy: rate limits must count the client address the proxy
# passes on (deploy/nginx sets X-Real-IP, so HTTP_X_REAL_IP); empty means the socket's REMOTE_ADDR.
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY")
if REDIS_URL:
    # Sessions are read from Redis and written through to the database, so a Redis restart logs nobody out
    # and during a Redis outage (errors ignored, see above) sessions are read from the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Error reporting: set SENTRY_DSN and install sentry-sdk (not a dependency; pip install sentry-sdk).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    try:
        import sentry_sdk
    except ImportError as exc:
        raise ImproperlyConfigured("SENTRY_DSN is set but sentry-sdk is not installed") from exc
    # No personal data leaves the portal: no user details, cookies or request bodies in reports.
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        traces_sample_rate=0.0,
    )
# Event registration: per-client rate of submitted forms, minimum time to fill the form (spam trap), and
# how many days after an event its registrations' personal data is anonymised (counts are kept).
EVENT_REGISTRATION_RATE = env_str("EVENT_REGISTRATION_RATE", "10/h")
EVENT_REGISTRATION_MIN_SECONDS = env_int("EVENT_REGISTRATION_MIN_SECONDS", 3)
EVENT_REGISTRATION_RETENTION_DAYS = env_int("EVENT_REGISTRATION_RETENTION_DAYS", 30)
