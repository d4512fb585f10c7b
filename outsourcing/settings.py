"""Settings for the outsourcing-verdicts site, read from the environment.

SQLite is the embedded default; set DATABASE_URL for PostgreSQL. See README.md for the table.
"""

import os
import sys
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from outsourcing.formats import FORMAT_MODULE_PATH, USE_THOUSAND_SEPARATOR  # noqa: F401
from outsourcing.local import env_bool, local_http, secret_key_from, secret_key_path, site_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# A test run never serves real users, so it may use the throwaway key and fast hashing.
TESTING = sys.argv[1:2] == ["test"] or "pytest" in sys.modules

DEBUG = env_bool("DJANGO_DEBUG", default=False)

# DJANGO_SECRET_KEY, else the git-ignored file `.secret_key` that `make run` creates once (or
# DJANGO_SECRET_KEY_FILE); without either, debug and tests use a throwaway key and production
# refuses to start.
SECRET_KEY = secret_key_from(
    os.environ, secret_key_path(os.environ), allow_insecure=DEBUG or TESTING
)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
# `make run`: production settings over plain HTTP on 127.0.0.1 (refused for other hosts).
LOCAL_HTTP = local_http(os.environ, ALLOWED_HOSTS)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "cases.views.errors.csrf_failure"  # the refused form keeps its text

INSTALLED_APPS = [
    "accounts",
    "cases",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # sitemap.xml (cases/sitemaps.py)
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",  # django-csp: only its system checks (the policy is in "Security headers" below)
    "template_partials",
    "simple_history",
    # Background jobs (below); "outsourcing" so that `run_huey` loads outsourcing/tasks.py.
    "huey.contrib.djhuey",
    "outsourcing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The security headers (see "Security headers" below) go on every response, the static
    # files that whitenoise answers included, so these stay above whitenoise.
    "outsourcing.headers.CrossOriginResourcePolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "outsourcing.middleware.RejectNulBytesMiddleware",  # 400: NUL or non-UTF-8 in a request
    # Whitenoise answers static files itself (with their precompressed .gz/.br variants), so
    # they never reach GZip below it.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above everything that changes or reads the response body; pads against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "outsourcing.i18n.LocaleMiddleware",  # Django's, and ?lang=de for one request
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.languages.AccountLanguageMiddleware",  # the account's language over the browser's
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees a view's database error first: 503 "try again", text kept.
    "outsourcing.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "outsourcing.urls"

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
                "cases.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "outsourcing.wsgi.application"
ASGI_APPLICATION = "outsourcing.asgi.application"

# Database: SQLite file by default, PostgreSQL via DATABASE_URL. Connections stay open between
# requests (one per worker thread), checked before reuse.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_health_checks=True,
    )
}
_sqlite = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
DATABASES["default"]["CONN_MAX_AGE"] = int(
    os.environ.get("DJANGO_CONN_MAX_AGE", "600" if _sqlite else "60")
)
if _sqlite:
    # IMMEDIATE takes the write lock at BEGIN, so concurrent voters queue for up to 20 s
    # instead of failing with "database is locked" when a reader upgrades to a writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not the in-memory default, so tests see real locking between threads; one per
    # process, so that two test runs in one checkout do not delete each other's database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# django-allauth: local accounts only.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"  # the person's language, in mails too
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}  # every password error at once
# allauth's limits (counted in the cache, per IP and per account or email): sign-ups, logins,
# failed logins, password resets. The admin's login goes through allauth's (outsourcing/urls.py).
ACCOUNT_RATE_LIMITS = {
    "signup": "10/h/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "reset_password": "20/h/ip,3/h/key",
    "reset_password_from_key": "20/h/ip",
    "change_password": "5/m/user",
    "change_email": "3/h/user",
    "manage_email": "10/m/user",
    "confirm_email": "3/h/key",
}
# Behind a reverse proxy that appends to X-Forwarded-For (the nginx of README "Deployment"),
# trust that many entries from the right; 0 (direct) means REMOTE_ADDR. Without it everyone
# would share the proxy's address and its limits.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

# Rate limits and sessions need a cache that all workers share in production.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background jobs: Huey is the site's one job queue (mail now; digests, exports later). A
# SQLite file by default (HUEY_FILE), so a fresh clone needs no server; with REDIS_URL (or
# HUEY_REDIS_URL) Redis, so that web servers and workers on several machines share one queue.
# The worker is `python manage.py run_huey` (Procfile, `make run`). In debug (`make dev`) jobs
# run at once inside the request, no worker needed (HUEY_IMMEDIATE=0 queues them); in tests
# too, in memory: a test that looks at the queue sets `HUEY.immediate = False`.
_huey_redis_url = os.environ.get("HUEY_REDIS_URL") or os.environ.get("REDIS_URL")
if TESTING:
    HUEY = {"huey_class": "huey.MemoryHuey", "immediate": True}
elif _huey_redis_url:
    HUEY = {"huey_class": "huey.PriorityRedisHuey", "connection": {"url": _huey_redis_url}}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "filename": os.environ.get("HUEY_FILE", str(BASE_DIR / "huey.sqlite3")),
    }
HUEY.setdefault("immediate", env_bool("HUEY_IMMEDIATE", default=DEBUG))
HUEY["name"] = "outsourcing-verdicts"
HUEY["consumer"] = {
    "workers": int(os.environ.get("HUEY_WORKERS", "2")),
    "worker_type": "thread",
    "max_delay": 2.0,  # an idle worker looks at the queue at least every 2 s
}

# Mail goes through the queue (outsourcing/mail.py: after commit, retried for ~17 h while the
# server is down); DJANGO_EMAIL_BACKEND names the backend the worker delivers with.
EMAIL_BACKEND = "outsourcing.mail.QueuedEmailBackend"
EMAIL_DELIVERY_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
if TESTING:
    EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if EMAIL_DELIVERY_BACKEND == EMAIL_BACKEND:
    raise ImproperlyConfigured("DJANGO_EMAIL_BACKEND names the backend that delivers the mail.")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "verdicts@localhost")
SITE_URL = site_url(os.environ)  # for links in emails; else http://127.0.0.1:$PORT (local.py)

# Internationalisation; locale_allauth/: allauth's German with „Sie“ (see its django.po).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files: Bootstrap comes from the XStatic package, htmx from django-htmx.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # The manifest needs collectstatic; development and tests serve from the finders.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Messages ("Your comment is posted.") travel in a signed cookie, the session only when too long:
# a write then does not also write the session, which a database blip would turn into a 400.
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"
# Sessions are read from the cache first (Redis when REDIS_URL is set), so that a signed-in
# person stays signed in through a short database blip.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Production hardening: on whenever debug is off. DJANGO_LOCAL_HTTP=1 (make run, loopback only)
# turns off just what plain HTTP cannot do: the HTTPS redirect, secure-only cookies and HSTS.
if not DEBUG and LOCAL_HTTP:
    SECURE_SSL_REDIRECT = False
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
    SECURE_HSTS_SECONDS = 0
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
elif not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not TESTING)
    SESSION_COOKIE_SECURE = not TESTING
    CSRF_COOKIE_SECURE = not TESTING
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if TESTING else "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

# Security headers: a strict Content-Security-Policy and friends, on every response (the
# middleware is above whitenoise). `scripts/observatory.sh` (make observatory) grades them with
# the MDN HTTP Observatory; README.md "Security headers" explains each directive.
# Nothing inline is allowed: no <script> without src, no style="…", no on…= handlers, no eval
# (htmx is told so in templates/base.html). Everything comes from this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],  # anything not named below: no frames, objects, media, workers
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the SVG icons that Bootstrap's CSS embeds (select arrows, checked boxes and
        # radios, the navbar toggler); an image cannot run script, and the Observatory does not
        # count data: against img-src (only against script-src and style-src).
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],  # htmx requests
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],  # nobody may frame the site (X-Frame-Options: DENY too)
    },
}
# Powerful features nobody here needs, denied to the site and to anything it could embed.
# (Chromium warns about names it does not know, e.g. "bluetooth": keep the list to known ones.)
# fmt: off
DENIED_BROWSER_FEATURES = (
    "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "geolocation",
    "gyroscope", "hid", "idle-detection", "interest-cohort", "magnetometer", "microphone", "midi",
    "payment", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
    "xr-spatial-tracking",
)
# fmt: on
PERMISSIONS_POLICY = {feature: [] for feature in DENIED_BROWSER_FEATURES}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"  # outsourcing/headers.py sets it
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # run_huey adds a handler of its own to "huey" unless it has one: this, so lines print once.
    "loggers": {"huey": {"handlers": ["console"], "propagate": False}},
}

# Site-wide numbers.
CASES_PER_PAGE = 20
COMMENTS_PER_PAGE = 50
PROFILE_ITEMS_PER_PAGE = 20
COMMENT_MAX_LENGTH = 10_000
# The lengths of what people type, defined here once: models, forms, services and templates
# (as `limits.reason` etc.) read them.
TEXT_LIMITS = {
    "comment": COMMENT_MAX_LENGTH,
    "reason": 300,  # flag notes; delete, hide, close and suspension reasons; edit reasons
    "condition": 200,  # "it depends: on what?"
    "decision_note": 2000,  # a curator's note to a proposer
    "search": 200,
}
# How long a rendered fragment may stay in the cache. It is never stale within that time: every
# key carries the versions of what it shows, which the writes bump (cases/selectors/).
FRAGMENT_CACHE_SECONDS = 60 * 60

# Limits on every write (outsourcing/limits.py): rates per account, per account younger than a
# day, per account and object, and per IP address (an office may share one, hence the higher
# figure). "1/10s" is one per 10 s. A real person never meets them (README). Off in tests.
RATELIMIT_ENABLE = env_bool("DJANGO_RATE_LIMITS", default=not TESTING)
RATELIMIT_USE_CACHE = "default"
RATE_LIMITS = {
    "comment": {
        "account": ["1/10s", "60/h"],
        "new_account": ["1/30s", "15/h"],
        "ip": ["30/m", "300/h"],
    },
    "comment_edit": {"account": ["10/m", "100/h"], "new_account": ["5/m", "30/h"], "ip": ["60/m"]},
    "vote": {
        "account": ["20/m", "300/h"],
        "new_account": ["10/m", "100/h"],
        "per_object": ["30/h"],  # changes of one's vote on one case
        "ip": ["120/m"],
    },
    "rating": {
        "account": ["30/m", "500/h"],
        "new_account": ["15/m", "150/h"],
        "per_object": ["10/h"],
        "ip": ["240/m"],
    },
    "flag": {"account": ["10/h", "50/d"], "new_account": ["3/h", "10/d"], "ip": ["60/h"]},
    # Every attempt counts (errors too); MAX_PENDING_PROPOSALS bounds the proposals themselves.
    "proposal": {"account": ["20/h", "50/d"], "new_account": ["10/h", "20/d"], "ip": ["60/h"]},
    "perspective": {"account": ["10/h"], "new_account": ["10/h"], "ip": ["60/h"]},
    "language": {"account": ["30/h"], "new_account": ["30/h"]},  # stored on the account
    "changed_mind": {"account": ["30/h"], "new_account": ["10/h"], "ip": ["120/h"]},
    "reveal": {"account": ["60/m"], "new_account": ["30/m"], "ip": ["120/m"]},
    "curation": {"account": ["60/m"], "new_account": ["30/m"], "ip": ["120/m"]},
    "notifications": {"account": ["60/m"], "new_account": ["30/m"], "ip": ["120/m"]},
}
