"""Settings shared by every environment, read from environment variables.

The overlays (development, test, production) only change defaults; every value
that differs between machines comes from the environment (see .env.example).
"""
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_celery_beat",
    "simple_history",
    "axes",
    "csp",
    # shared parts of the portal
    "congress_portal.accounts",
    "congress_portal.workdays",
    "congress_portal.notifications",
    "congress_portal.jobs",
    "congress_portal",
    # the areas of the mission
    "deputies",
    "suggestions",
    "liaison_stations",
    "training",
    "voting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware must be the last one.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "congress_portal.urls"
WSGI_APPLICATION = "congress_portal.wsgi.application"

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
                "congress_portal.context_processors.portal",
            ],
        },
    },
]

# SQLite is the embedded default so the portal runs with no servers;
# production and CI set DATABASE_URL to PostgreSQL.
DATABASES = {
    "default": env.db_url_config(env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    # The demo's web server, worker and beat write at once: WAL lets readers
    # go on, IMMEDIATE takes the write lock up front instead of failing midway.
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits (public forms) count in the cache: point CACHE_URL at Redis in
# production so every web process shares one count.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # AxesStandaloneBackend must be first: it refuses locked-out sign-ins.
    "axes.backends.AxesStandaloneBackend",
    "congress_portal.accounts.backends.UsernameOrPhoneBackend",
    # A bulk-made account's one-time code (username or mobile + code): counted by axes too.
    "congress_portal.accounts.first_sign_in.FirstSignInBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "home"

# Lock-out after repeated failed sign-ins.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The same client address as every rate limit (congress_portal.client_address).
AXES_CLIENT_IP_CALLABLE = "congress_portal.client_address.client_address"
# One count per account whether the username or the mobile number was typed
# (sign-in form and API Basic auth alike).
AXES_USERNAME_CALLABLE = "congress_portal.accounts.backends.lockout_username"
AXES_RESET_ON_SUCCESS = True
# A failed attempt's form is stored (AccessAttempt.post_data): the first sign-in's
# code and new password are masked there like "password".
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "new_password1", "new_password2"]
AXES_VERBOSE = False
# The sign-in page again, with a clear Chinese message and HTTP 429.
AXES_LOCKOUT_CALLABLE = "congress_portal.views.locked_out"

# How many reverse proxies in front of the portal append to X-Forwarded-For:
# 0 (directly reached) takes the client address from REMOTE_ADDR only; n takes
# the n-th X-Forwarded-For entry from the right (congress_portal.client_address).
PORTAL_TRUSTED_PROXY_COUNT = env.int("PORTAL_TRUSTED_PROXY_COUNT", default=0)

# Simplified Chinese first, English second; times in Asia/Shanghai.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
if not Path(STATIC_ROOT).is_dir():
    # No collectstatic yet (development, tests, the benchmark server): whitenoise
    # finds files through the static finders instead of warning "No directory at".
    WHITENOISE_AUTOREFRESH = True
    WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads: attachments are limited in size and type (see congress_portal.uploads).
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
PORTAL_MAX_ATTACHMENT_BYTES = env.int("PORTAL_MAX_ATTACHMENT_BYTES", default=20 * 1024 * 1024)

# Content-Security-Policy (django-csp 4): everything from the portal itself, no
# inline script or style anywhere (JS and CSS are static files), no remote
# origin. data: images only for the icons inside Swagger UI's stylesheet.
# The API reference (Swagger UI) keeps to it too (congress_portal/urls.py).
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
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "congress_portal.api.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "congress_portal.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "代表工作门户 API",
    "DESCRIPTION": "Representative-work portal of the provincial people's congress.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Docs pages are served from the portal itself (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets shared between apps keep one name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "OccupationEnum": "deputies.models.Occupation",
        "MandateStatusEnum": "deputies.models.MandateStatus",
        "PlenaryAttendanceStatusEnum": "training.models.PlenaryAttendanceStatus",
        "StationKindEnum": "liaison_stations.models.StationKind",
        "IssueSourceEnum": "liaison_stations.models.IssueSource",
        "LevelEnum": "deputies.models.Level",
        "SuggestionStatusEnum": "suggestions.models.Status",
        "SuggestionHandlingModeEnum": "suggestions.models.HandlingMode",
        "SuggestionDisclosureEnum": "suggestions.models.Disclosure",
        "SatisfactionEnum": "suggestions.models.Satisfaction",
        "ReplyKindEnum": "suggestions.models.ReplyKind",
    },
}

# Celery. The broker URL comes from the environment.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
# Redis hands a message taken but not yet acknowledged to another worker after
# visibility_timeout seconds. With acks_late (below) a message is acknowledged
# when its task ends, so this is how long a dead worker's tasks wait to run
# again (an hour delayed them by an hour). It must exceed the longest ETA or
# countdown a task waits with (no task is scheduled with an ETA; the longest
# autoretry back-off is 120 s): else the message would be handed out again while
# it waits. A task running longer than this also gets a second copy; that is
# harmless, as every task is safe to run twice and each send is claimed first.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600)}
# A send claimed this long ago and still unrecorded is reconciled by its key
# (congress_portal/notifications/sending.py): far longer than any send takes.
NOTIFICATION_CLAIM_STALE_SECONDS = env.int("NOTIFICATION_CLAIM_STALE_SECONDS", default=600)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# acks_late + reject_on_worker_lost: a task whose worker dies runs again rather
# than being lost; the price is that tasks run twice, which each one allows.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="portal@congress.example")
# SMS: a small backend interface (congress_portal.notifications.sms).
SMS_BACKEND = env("SMS_BACKEND", default="congress_portal.notifications.sms.LoggingSmsBackend")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env("SMS_GATEWAY_TOKEN", default="")

PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# The province the portal serves, named in every page's footer (the committee's name), in each language.
PORTAL_PROVINCE = env("PORTAL_PROVINCE", default="湖南省")
PORTAL_PROVINCE_EN = env("PORTAL_PROVINCE_EN", default="Hunan")

# Every handler masks ID and mobile numbers, in messages and tracebacks
# (congress_portal.logging; the Celery worker's handlers through its signals).
LOGGING_CONFIG = "congress_portal.logging.configure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal": {"()": "congress_portal.logging.MaskPersonalDataFilter"}},
    "formatters": {"masked": {"()": "congress_portal.logging.MaskingFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal"], "formatter": "masked"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
