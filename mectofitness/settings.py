"""MectoFitness settings: one module, configured from the environment.

Nothing else in the code base reads ``os.environ``. A variable without a default
is required, so a missing one stops the process at start-up. ``make run`` and
``make test`` fill ``DATABASE_URL``, ``REDIS_URL`` and ``DJANGO_SECRET_KEY`` with
embedded development values when they are unset (see ``mectofitness/dev.py``).
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# --- core -------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
BASE_DOMAIN = env("BASE_DOMAIN", default="localhost")
# The port the public site is reached on, for links between the public domain
# and business subdomains ("" behind a proxy on 80/443).
SITE_PORT = env("SITE_PORT", default="")
SITE_SCHEME = env("SITE_SCHEME", default="http" if DEBUG else "https")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[BASE_DOMAIN, f".{BASE_DOMAIN}"])
CSRF_TRUSTED_ORIGINS = env.list(
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    default=[f"{SITE_SCHEME}://{BASE_DOMAIN}", f"{SITE_SCHEME}://*.{BASE_DOMAIN}"]
    + (
        [
            f"{SITE_SCHEME}://{BASE_DOMAIN}:{SITE_PORT}",
            f"{SITE_SCHEME}://*.{BASE_DOMAIN}:{SITE_PORT}",
        ]
        if SITE_PORT
        else []
    ),
)
USE_X_FORWARDED_HOST = env.bool("DJANGO_USE_X_FORWARDED_HOST", default=False)
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A site reached over https (production) is https only: each of these can be
# turned off for a plain-http setup; `make run` is one (DJANGO_DEBUG makes the
# scheme http), `make test` turns the redirect off (the test client speaks http).
_https = SITE_SCHEME == "https"
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=_https)
# load balancers probe the web processes directly, over plain http
SECURE_REDIRECT_EXEMPT = [r"^ping$", r"^healthz$"]
# HSTS is sent on https responses only; every business is a subdomain of
# BASE_DOMAIN, so the policy covers them (preloading is a separate submission)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=_https)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=_https)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = env(
    "DJANGO_SECURE_REFERRER_POLICY", default="strict-origin-when-cross-origin"
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Never share a session across subdomains: each business is its own site.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None

# --- apps -------------------------------------------------------------------
SHARED_APPS = [
    "tenants",  # before django_tenants: its migrate_schemas overrides the stock one
    "django_tenants",
    "django.contrib.postgres",
    "accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "mectofitness.core",  # after auth: its post_migrate handler runs after Django's
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served locally: docs work offline
    "django_celery_beat",
    "djstripe",
    "programs.catalog",  # the exercise catalog every business shares
    "billing.platform",  # plans and the businesses' subscriptions (label platform_billing)
    "scheduling.platform",  # beat's scheduling rows (label platform_scheduling)
    "notifications.platform",  # beat's e-mail rows (label platform_notifications)
    "messaging.platform",  # beat's announcement row (label platform_messaging)
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "clients",
    "programs",
    "scheduling",
    "billing",
    "notifications",
    "messaging",
    "automation",
    # last: it takes in the lists every app's admin module registered (see its apps.py)
    "backoffice",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Business"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "mectofitness.urls_public"
ROOT_URLCONF = "mectofitness.urls_tenant"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# our admin theme styles app headings itself (django-tenants paints them green)
TENANT_COLOR_ADMIN_APPS = False
# Migrations of many schemas are the slow part of a deploy.
TENANT_MIGRATION_EXECUTOR = env("TENANT_MIGRATION_EXECUTOR", default="standard")
# Schemas kept ready for instant sign-up, topped up by the worker.
TENANT_POOL_SIZE = env.int("TENANT_POOL_SIZE", default=3)
# pg_dump used to capture the template schema's DDL; defaults to the binary
# shipped with the pgserver package, a recent PostgreSQL client.
PG_DUMP = env("PG_DUMP", default="")

MIDDLEWARE = [
    # the security headers come first: the routing middleware answers some
    # requests itself (unknown host, locked business), and those get them too
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mectofitness.core.middleware.SecurityHeadersMiddleware",
    "tenants.middleware.BusinessRoutingMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # before CSRF, which parses a form's body: sizes are checked before any read
    "mectofitness.core.uploads.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMfaRequiredMiddleware",
]

if env.bool("MF_PLAIN_DJANGO", default=False):
    # `make bench` only: the same stack without tenant routing, as the baseline
    MIDDLEWARE = [m for m in MIDDLEWARE if m != "tenants.middleware.BusinessRoutingMiddleware"]
    PUBLIC_SCHEMA_URLCONF = ROOT_URLCONF = "mectofitness.urls_plain"
    # the API bench's plain views (bench/api.py): the business schema they read, fixed,
    # and whose details its /api/v1/me/ gives (no routing, no authentication)
    PLAIN_SCHEMA = env("MF_PLAIN_SCHEMA", default="public")
    PLAIN_USER_ID = env.int("MF_PLAIN_USER_ID", default=0)

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
                "mectofitness.core.context_processors.site",
            ],
        },
    }
]

WSGI_APPLICATION = "mectofitness.wsgi.application"
ASGI_APPLICATION = "mectofitness.asgi.application"

# --- database ---------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL")}
DATABASES["default"]["ENGINE"] = "mectofitness.db"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# typo-tolerant search: "smiht" is 0.33 word-similar to "smith"; 0.6 (the default) misses it
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
    "-c pg_trgm.word_similarity_threshold=0.3"
)
# Django's psycopg 3 pool instead of persistent connections: each process keeps from
# DATABASE_POOL_MIN_SIZE to DATABASE_POOL_MAX_SIZE connections open and lends one to each
# request (Django refuses a pool with CONN_MAX_AGE, so it is 0 then); `make bench
# ARGS="--load --load-pool"` runs the load scenario's web processes with it
if env.bool("DATABASE_POOL", default=False):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=4),
        # a connection is replaced after this long, as DATABASE_CONN_MAX_AGE replaces a
        # persistent one: a PostgreSQL backend keeps the catalog of every schema it has
        # touched (README, Connections), psycopg's default is an hour
        "max_lifetime": env.float("DATABASE_POOL_MAX_LIFETIME", default=300),
    }
DATABASES["default"].setdefault("TEST", {})["NAME"] = env(
    "DATABASE_TEST_NAME", default=f"test_{DATABASES['default']['NAME']}"
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- redis: cache, broker ----------------------------------------------------
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "mectofitness.core.cache.RedisCache",
        "LOCATION": REDIS_URL,
        # ids repeat in every schema: keys must carry the tenant
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="mf"),
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Route cache (tenants.routing): seconds a web process may keep a host -> business
# entry, the bound on how late it sees a suspension when an invalidation is lost
ROUTING_CACHE_TTL = env.float("ROUTING_CACHE_TTL", default=5.0)
# a form lists every client up to this many, beyond it the chosen ones and a search box
# (clients.widgets)
CLIENT_PICKER_FEW = env.int("CLIENT_PICKER_FEW", default=200)
# seconds of quiet on the invalidation channel before the listener pings Redis;
# no answer within as long again and it reconnects (so a dead link is noticed
# within twice this)
ROUTING_LISTENER_PING_INTERVAL = env.float("ROUTING_LISTENER_PING_INTERVAL", default=1.0)

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True

# --- real time: sockets (messaging.realtime) ---------------------------------
# Sockets are served by an ASGI server (daphne, mectofitness/asgi.py) beside the web
# processes; the channel layer is Redis, so what any web process publishes reaches
# every socket. The prefix keeps one deploy's (or test worker's) groups apart.
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # redis-py 8 reads with a 5 s timeout by default: exactly as long as the
            # layer's blocking pop waits for news, so a quiet socket would fail; and
            # its pool refuses the 101st connection at once (many pages closing at once)
            "hosts": [{"address": REDIS_URL, "socket_timeout": 15, "max_connections": 1000}],
            "prefix": env("CHANNEL_LAYER_PREFIX", default="mf-asgi"),
            # all sockets of one ASGI process share one queue: a message to a group of
            # 100 pages is 100 entries in it (the default, 100, dropped the rest)
            "capacity": 5000,
        },
    }
}
# Where a page opens its socket. Empty: its own origin, /ws/messages/ (a proxy sends
# /ws/ to the ASGI server). Otherwise an address with "{host}" for the business's host
# name: `make run` sets ws://{host}:8001/ws/messages/.
REALTIME_URL = env("REALTIME_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

# --- auth -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # a person's role and permissions in one query (signs nobody in)
    "accounts.backends.AccessBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# HMAC keys are built from row ids, which repeat across schemas.
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
# a person proves their address before signing in (invited people prove it by
# opening the invitation; owners when they first sign in without the hand-off)
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
# the business's staff may sign in this long after their account was made before
# they must have confirmed their address (accounts.verification); a reminder shows
EMAIL_VERIFICATION_GRACE_DAYS = env.int("EMAIL_VERIFICATION_GRACE_DAYS", default=7)
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# The header our proxy sets to the client's address (e.g. X-Real-IP), for allauth's
# rate limits and ours (mectofitness.core.net.client_ip); unset: REMOTE_ADDR
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default=None)

# --- i18n -------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- static and media --------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / ".data" / "media")
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _media_backend = "tenants.storage.TenantS3Storage"
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default=None)
    AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default=None)
    AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False
else:
    _media_backend = "tenants.storage.TenantFileSystemStorage"
STORAGES = {
    "default": {"BACKEND": _media_backend},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- email ------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / ".data" / "mail"))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"MectoFitness <hello@{BASE_DOMAIN}>")
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default=f"support@{BASE_DOMAIN}")
# A mail provider through django-anymail (notifications/email.py): Mailgun, e.g.
# EMAIL_BACKEND=anymail.backends.mailgun.EmailBackend with MAILGUN_API_KEY and
# MAILGUN_SENDER_DOMAIN. Its delivery events (delivered, bounced, complained) are posted
# to <BASE_DOMAIN>/hooks/email/mailgun/, checked with MAILGUN_WEBHOOK_SIGNING_KEY and,
# when set, HTTP basic auth (ANYMAIL_WEBHOOK_SECRET, "user:password"). No signing key:
# the webhook answers 404.
ANYMAIL = {
    "MAILGUN_API_KEY": env("MAILGUN_API_KEY", default=""),
    "MAILGUN_SENDER_DOMAIN": env("MAILGUN_SENDER_DOMAIN", default="") or None,
    "MAILGUN_API_URL": env("MAILGUN_API_URL", default="https://api.mailgun.net/v3"),
    "MAILGUN_WEBHOOK_SIGNING_KEY": env("MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
    "WEBHOOK_SECRET": env.list("ANYMAIL_WEBHOOK_SECRET", default=[]),
}

# --- stripe (dj-stripe, public schema) ---------------------------------------
STRIPE_LIVE_MODE = env.bool("STRIPE_LIVE_MODE", default=False)
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
DJSTRIPE_SUBSCRIBER_MODEL = "tenants.Business"
DJSTRIPE_USE_NATIVE_JSONFIELD = True
DJSTRIPE_WEBHOOK_VALIDATION = "verify_signature"
# dj-stripe's own migrations replay ~1,000 field removals across its model graph
# (over a minute of CPU per fresh database, twice: public and the template).
# Ours start from its 2.11 state in one step; upgrades add a migration here.
MIGRATION_MODULES = {"djstripe": "billing.djstripe_migrations"}
STRIPE_TEST_SECRET_KEY = env("STRIPE_TEST_SECRET_KEY", default="")
STRIPE_LIVE_SECRET_KEY = env("STRIPE_LIVE_SECRET_KEY", default="")
# Where the Stripe client library sends its requests: empty for Stripe itself;
# the dev runner points it at the local stand-in when no secret key is set.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
# Days a past-due business keeps working before it is suspended.
BILLING_GRACE_DAYS = env.int("BILLING_GRACE_DAYS", default=7)
# invoice PDFs embed DejaVu Sans from here (Debian: fonts-dejavu-core), Helvetica
# (Western European only) without it; Chinese, Japanese and Korean characters come
# from the first fallback font that exists (Debian: fonts-droid-fallback)
INVOICE_PDF_FONT_DIR = env("INVOICE_PDF_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")
INVOICE_PDF_FALLBACK_FONTS = env.list(
    "INVOICE_PDF_FALLBACK_FONTS",
    default=["/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"],
)
# The plan whose limits a business in its trial gets.
BILLING_TRIAL_PLAN = env("BILLING_TRIAL_PLAN", default="studio")
# Days before the trial ends that the owner is reminded to subscribe.
BILLING_TRIAL_REMINDER_DAYS = env.int("BILLING_TRIAL_REMINDER_DAYS", default=3)
# Stripe Connect (businesses' own accounts, their clients' payments): the
# platform's Connect client id (OAuth "link an existing account") and the
# signing secret of the Connect webhook endpoint at <BASE_DOMAIN>/stripe/connect/.
STRIPE_CONNECT_CLIENT_ID = env("STRIPE_CONNECT_CLIENT_ID", default="")
STRIPE_CONNECT_WEBHOOK_SECRET = env("STRIPE_CONNECT_WEBHOOK_SECRET", default="")
# Country of Express accounts created for businesses (two letters, ISO 3166).
STRIPE_CONNECT_EXPRESS_COUNTRY = env("STRIPE_CONNECT_EXPRESS_COUNTRY", default="")

# Zoom meetings for online sessions (scheduling/services/video.py): the platform's
# Server-to-Server OAuth app. All three empty: Zoom is off, sessions use the standing
# links. The two addresses point at Zoom itself; dev and tests at the local stand-in
# (devtools/zoom_standin/).
ZOOM_ACCOUNT_ID = env("ZOOM_ACCOUNT_ID", default="")
ZOOM_CLIENT_ID = env("ZOOM_CLIENT_ID", default="")
ZOOM_CLIENT_SECRET = env("ZOOM_CLIENT_SECRET", default="")
ZOOM_API_BASE = env("ZOOM_API_BASE", default="https://api.zoom.us/v2")
ZOOM_OAUTH_URL = env("ZOOM_OAUTH_URL", default="https://zoom.us/oauth/token")

# Text-message reminders through Twilio (mectofitness/core/sms.py). Any of the three
# empty: text messages are off. TWILIO_FROM is a number in E.164 (+447700900123) or a
# Messaging Service SID (MG...). TWILIO_API_BASE: empty for Twilio itself; tests point
# the client at a local stand-in.
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM = env("TWILIO_FROM", default="")
TWILIO_API_BASE = env("TWILIO_API_BASE", default="")

# Web push (notifications/push.py): the VAPID key pair, base64url (the private key's
# 32 raw bytes, the public key's uncompressed point, as browsers take it), and the
# contact push services may write to. Both keys empty: nothing is pushed (the bell
# still works). The dev runner makes a pair in .data/ when they are unset.
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", default="")
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY", default="")
VAPID_SUBJECT = env("VAPID_SUBJECT", default=f"mailto:{SUPPORT_EMAIL}")

# --- content security policy (django-csp) -----------------------------------
# Only our own scripts and styles: no CDN, no inline code without the
# request's nonce ({{ request.csp_nonce }}), no inline style attributes. The
# nonce appears in the header only on pages that use it.
_site_port = f":{SITE_PORT}" if SITE_PORT else ""
# 500.html has no template context (it must render when all else is broken), so
# its one <style> block is allowed by hash (a test fails when the two part)
ERROR_PAGE_STYLE_HASH = "'sha256-Hwk13z1KDikuBbVcNyDPQ6eg6sabV4EA8jO/CJyxkdg='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE, ERROR_PAGE_STYLE_HASH],
        # data: for icons in style sheets, blob: for a photo's preview before upload
        "img-src": [SELF, "data:", "blob:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        # forms post here and may be redirected on: sign-up to the new business's
        # subdomain, payments to Stripe's hosted pages (the dev stand-in in dev)
        "form-action": [
            SELF,
            f"{SITE_SCHEME}://{BASE_DOMAIN}{_site_port}",
            f"{SITE_SCHEME}://*.{BASE_DOMAIN}{_site_port}",
            "https://*.stripe.com",
        ]
        + ([STRIPE_API_BASE] if STRIPE_API_BASE else []),
        # the API, and the conversation pages' socket (REALTIME_URL's origin)
        "connect-src": [
            SELF,
            (REALTIME_URL.split("/ws/")[0].replace("{host}", f"*.{BASE_DOMAIN}"))
            or f"{'wss' if _https else 'ws'}://*.{BASE_DOMAIN}{_site_port}",
        ],
    },
}
# powerful features no page of ours uses (the photo form's camera is the file
# picker's `capture`, which needs no permission)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# --- rest framework ----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.policies.IsMember"],
    # ?page=2, and ?page_size= up to API_PAGE_SIZE_MAX
    "DEFAULT_PAGINATION_CLASS": "mectofitness.core.api.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "mectofitness.core.api.UserRateThrottle",
        "mectofitness.core.api.BusinessRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("API_RATE_PER_USER", default="120/min"),
        "business": env("API_RATE_PER_BUSINESS", default="1200/min"),
    },
    "EXCEPTION_HANDLER": "mectofitness.core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# the most items a page of an API list holds when ?page_size= asks for more
API_PAGE_SIZE_MAX = 100
SPECTACULAR_SETTINGS = {
    "TITLE": "MectoFitness API",
    "DESCRIPTION": "The API of one business, at its own address. Authenticate with a "
    "personal token (`Authorization: Token mf_…`) or the signed-in session.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # the docs are for a business's own people (and their integrations)
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # one name per choice set that several serializers share (else spectacular
    # invents hashed names like "Status4e0Enum")
    "ENUM_NAME_OVERRIDES": {
        "ClientStatusEnum": "clients.models.Client.Status",
        "ExperienceLevelEnum": "clients.models.Client.Level",
        "QuestionnaireKindEnum": "clients.models.Questionnaire.Kind",
        "FormResponseStatusEnum": "clients.models.Response.Status",
        "OfflinePaymentMethodEnum": ["cash", "bank_transfer", "other"],
        # what a late cancellation and a no-show cost: one choice set, two fields
        "SessionChargeEnum": "scheduling.models.SessionType.Charge",
        # a conversation's kind: in the thread and in the request that starts one
        "ThreadKindEnum": "messaging.models.Thread.Kind",
    },
    # our own additions: the error responses every operation may give (core/schema.py)
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mectofitness.core.schema.postprocess_error_responses",
    ],
}

# --- platform ---------------------------------------------------------------
# Lead capture: submissions allowed per client IP per hour.
LEAD_RATE_LIMIT_PER_HOUR = env.int("LEAD_RATE_LIMIT_PER_HOUR", default=5)
SIGNUP_RATE_LIMIT_PER_HOUR = env.int("SIGNUP_RATE_LIMIT_PER_HOUR", default=10)
# The public site's "where do I sign in?" asks, per client IP per hour.
SIGNIN_FINDER_RATE_LIMIT_PER_HOUR = env.int("SIGNIN_FINDER_RATE_LIMIT_PER_HOUR", default=10)
# Answers sent through a business's public form link, per client IP per hour.
INTAKE_RATE_LIMIT_PER_HOUR = env.int("INTAKE_RATE_LIMIT_PER_HOUR", default=30)
# Messages one person may send per minute (messaging.services.message_send).
MESSAGE_RATE_LIMIT_PER_MINUTE = env.int("MESSAGE_RATE_LIMIT_PER_MINUTE", default=30)
# Bytes a request body may have where its route sets no limit of its own (upload
# routes set theirs: mectofitness.core.uploads); larger bodies get 413 unread.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=10 * 1024 * 1024)
# Seconds a sign-up hand-off link stays valid.
HANDOFF_MAX_AGE = env.int("HANDOFF_MAX_AGE", default=60)
TRIAL_DAYS = env.int("TRIAL_DAYS", default=14)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
