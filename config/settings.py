"""Settings for Pravasi, read from the environment (one file; see docs/operations.md)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("PRAVASI_ALLOW_DEV_SECRET", False):
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")
    SECRET_KEY = "dev-only-insecure-key-change-me-" + "x" * 32

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "pravasi.core",
    "pravasi.policy",
    "pravasi.accounts",
    "pravasi.audit",
    "pravasi.messaging",
    "pravasi.registry",
    "pravasi.licensing",
    "pravasi.clearance",
    "pravasi.cases",
    "pravasi.crisis",
    "pravasi.portal",
    "pravasi.workspace",
    "pravasi.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pravasi.accounts.middleware.IdleSessionMiddleware",
    "pravasi.accounts.middleware.RestrictedAreaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pravasi.core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pravasi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pravasi.portal.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'pravasi.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "pravasi.accounts.backends.IdentifierBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"

# Languages: English, Hindi and Malayalam first.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("hi", "हिन्दी"), ("ml", "മലയാളം")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Without collectstatic (development, tests) whitenoise serves straight from the finders.
WHITENOISE_USE_FINDERS = env_bool("PRAVASI_STATIC_FROM_FINDERS", True)
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
STATICFILES_DIRS = [
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": os.environ.get("PRAVASI_STATICFILES_STORAGE", "whitenoise.storage.CompressedStaticFilesStorage")},
}
# Uploaded documents live outside the web root and are served only through views that check access.
MEDIA_ROOT = Path(os.environ.get("PRAVASI_PRIVATE_MEDIA", BASE_DIR / "var" / "private"))

# Sessions and cookies: idle sessions expire; cookies are secure unless running locally in debug.
SECURE_COOKIES = env_bool("PRAVASI_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("PRAVASI_SESSION_MAX_AGE", str(8 * 3600)))
PRAVASI_IDLE_TIMEOUT_SECONDS = int(os.environ.get("PRAVASI_IDLE_TIMEOUT_SECONDS", "900"))
# The public address printed on certificates and in QR codes.
PRAVASI_PUBLIC_URL = os.environ.get("PRAVASI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# The sender of the CAP 1.2 alert documents (an address the issuing authority holds; it names every alert id).
CAP_SENDER = os.environ.get("PRAVASI_CAP_SENDER", "pravasi@mea.gov.in")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("PRAVASI_BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Cache: local memory by default, Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pravasi"}}

# Celery: eager when no broker is configured (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# An unacknowledged task (its worker died) goes back to the queue after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

# Lockout after repeated failures (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("PRAVASI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PRAVASI_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "username", "otp_token"]

# E-mail: SMTP when EMAIL_HOST is set; otherwise messages stay in the outbox log.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 15
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Pravasi <no-reply@pravasi.invalid>")

# Messaging channels: "log" keeps messages in the outbox log (readable by administrators).
PRAVASI_EMAIL_CHANNEL = os.environ.get("PRAVASI_EMAIL_CHANNEL", "smtp" if EMAIL_HOST else "log")
PRAVASI_SMS_GATEWAY = os.environ.get("PRAVASI_SMS_GATEWAY", "log")  # log | kannel | json
PRAVASI_SMS_GATEWAY_URL = os.environ.get("PRAVASI_SMS_GATEWAY_URL", "")
PRAVASI_SMS_GATEWAY_USER = os.environ.get("PRAVASI_SMS_GATEWAY_USER", "")
PRAVASI_SMS_GATEWAY_PASSWORD = os.environ.get("PRAVASI_SMS_GATEWAY_PASSWORD", "")
PRAVASI_SMS_SENDER = os.environ.get("PRAVASI_SMS_SENDER", "PRAVSI")
# The JSON gateway takes a whole batch in one request ({"messages": [...]}) when the operator offers it.
PRAVASI_SMS_GATEWAY_BATCH = env_bool("PRAVASI_SMS_GATEWAY_BATCH", False)
# Inbound SMS is offered to each of these functions in turn (dotted paths); the first that claims it answers.
PRAVASI_INBOUND_SMS_HANDLERS = env_list("PRAVASI_INBOUND_SMS_HANDLERS", "pravasi.crisis.checkins.inbound_sms")
# Bulk sends (crisis alerts) hand messages over at most this fast per channel, across all workers (the
# operator's contracted throughput); 0 means no limit.
PRAVASI_SEND_RATE_PER_SECOND = {
    "SMS": int(os.environ.get("PRAVASI_SMS_RATE_PER_SECOND", "500")),
    "EMAIL": int(os.environ.get("PRAVASI_EMAIL_RATE_PER_SECOND", "100")),
}
# A message claimed by a worker that died before recording the hand-over is handed over again after this
# many seconds, with the same message id (the operator drops the repeat).
PRAVASI_SEND_CLAIM_LEASE_SECONDS = int(os.environ.get("PRAVASI_SEND_CLAIM_LEASE_SECONDS", "120"))
# Delivery reports and inbound SMS arrive on webhooks signed with this secret (HMAC-SHA256).
PRAVASI_GATEWAY_WEBHOOK_SECRET = os.environ.get("PRAVASI_GATEWAY_WEBHOOK_SECRET", "") or f"gateway-webhook:{SECRET_KEY}"

# Encryption of personal data at rest. Keys: "kid:base64key" pairs, newest first.
PRAVASI_DATA_KEYS = os.environ.get("PRAVASI_DATA_KEYS", "")
PRAVASI_BLIND_INDEX_KEY = os.environ.get("PRAVASI_BLIND_INDEX_KEY", "")


# Uploads.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PRAVASI_IMPORT_MAX_BYTES = int(os.environ.get("PRAVASI_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pravasi.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle", "rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min"},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pravasi API",
    "DESCRIPTION": "Emigration management and migrant protection: REST API v1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Stable names for enums that share a field name across endpoints (generated clients keep them).
    "ENUM_NAME_OVERRIDES": {
        "PersonStatusEnum": "pravasi.registry.models.PersonStatus",
        "LicenceStatusEnum": "pravasi.licensing.models.LicenceStatus",
        "LicenceKindEnum": "pravasi.licensing.models.LicenceKind",
    },
}

OTP_TOTP_ISSUER = "Pravasi"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PRAVASI_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines carry query strings; keep them out so no personal data reaches logs.
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

SILENCED_SYSTEM_CHECKS: list[str] = []
# Scheduled work (run `celery -A config beat`; without a broker, `manage.py run_daily` from cron does the same).
CELERY_BEAT_SCHEDULE = {
    "licensing-expire": {"task": "licensing.expire", "schedule": 24 * 3600.0},
    "licensing-remind": {"task": "licensing.remind", "schedule": 24 * 3600.0},
    "cases-escalate": {"task": "cases.escalate", "schedule": 3600.0},
    "crisis-alerts-sweep": {"task": "crisis.alerts_sweep", "schedule": 60.0},
}
