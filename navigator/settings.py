"""Navigator's settings: one module, read from the environment.

Defaults suit the embedded demo (SQLite in the project folder, no Redis). Production sets
SECRET_KEY, ALLOWED_HOSTS and usually DATABASE_URL and REDIS_URL; see `.env.example`.
"""

import os
from pathlib import Path

import dj_database_url
from django.conf import locale as django_locale
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no setting. Accepts 1/0/true/false/yes/no/on/off; anything else is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false, not {raw!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# The demo key only ever works with DEBUG on: a production server without its own secret
# must refuse to start rather than sign sessions with a key published in the repository.
_DEMO_SECRET_KEY = "navigator-demo-only-not-secret-0f3c9a7e5b1d4c2a8e6f0b9d7c5a3e1f"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEMO_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "directory",
    "pathways",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "navigator.urls"

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
                "navigator.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "navigator.wsgi.application"

# SQLite in the project folder unless DATABASE_URL says otherwise (postgres://user@host/db).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'navigator.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Read the file through memory-mapped pages and keep a larger page cache: a search touches
    # pages spread over the whole file (national services, the text index), and with the
    # defaults each one is copied in again through a system call on every request.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -32768;"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Shared between gunicorn processes and machines: the cache and rate-limit store.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "navigator",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The public pages in six languages: English at the root, the others under /ur/, /bn/, /pa/,
# /pl/ and /so/ (navigator/urls.py). The language comes only from the address, never from a
# cookie or the browser's Accept-Language, so a shared link shows what its sender saw. The
# admin, the APIs and Open Referral stay unprefixed, in English.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [
    ("en-gb", "English"),
    ("ur", "Urdu"),
    ("bn", "Bengali"),
    ("pa", "Punjabi"),
    ("pl", "Polish"),
    ("so", "Somali"),
]
# Django knows no Somali and names Punjabi in Latin letters. Each language is named in its own
# script (Punjabi in Gurmukhi), as a name starting a line ("Polski"); English is "English".
django_locale.LANG_INFO.update(
    {
        "en-gb": {**django_locale.LANG_INFO["en-gb"], "name_local": "English"},
        "pa": {**django_locale.LANG_INFO["pa"], "name_local": "ਪੰਜਾਬੀ"},
        "pl": {**django_locale.LANG_INFO["pl"], "name_local": "Polski"},
        "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
    }
)
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

# Security. Behind a proxy that terminates TLS, set SECURE_SSL_REDIRECT=0 and let the proxy
# redirect; SECURE_PROXY_SSL_HEADER tells Django the original scheme.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# The preload flag only takes effect once the domain is submitted to browsers' preload list.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Logging: requests are not logged with their query strings or bodies anywhere in the app,
# because what a person types can be health information (see DESIGN.md, privacy).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

REST_FRAMEWORK = {
    "DEFAULT_PAGINATION_CLASS": "directory.pagination.DirectoryPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Navigator API",
    "DESCRIPTION": (
        "Mental health services for ethnic minority communities in the UK: search the "
        "directory by place, language, need and opening time. Read-only, no key needed."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page's scripts come from the sidecar package, served by us: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Two different sets of choices are both called "gender"; name them apart.
    "ENUM_NAME_OVERRIDES": {
        "ServiceGenderEnum": "directory.models.Service.Gender",
        "PersonGenderEnum": "pathways.serializers.GENDERS",
    },
}

# Optional online geocoding of place names through geopy ("nominatim"), off unless set.
# Answers are cached in the database; pages never wait on it for a place seen before.
GEOCODER = os.environ.get("GEOCODER", "")
GEOCODER_USER_AGENT = os.environ.get(
    "GEOCODER_USER_AGENT", "navigator (+https://navigator.example)"
)
GEOCODER_TIMEOUT = float(os.environ.get("GEOCODER_TIMEOUT", "3"))

# A listing not checked for this many days is shown with a caution and counted as stale.
STALE_AFTER_DAYS = int(os.environ.get("STALE_AFTER_DAYS", "365"))

# Every page says the directory is fictional while the demo data is loaded. Production
# with real listings turns this off.
DEMO_MODE = env_bool("DEMO_MODE", True)
