"""Aduan settings: one module, configured by environment variables.

Defaults give a working embedded site (SQLite under ``var/``); production sets
``DATABASE_URL`` (PostgreSQL), ``ADUAN_SECRET_KEY``, ``ADUAN_ALLOWED_HOSTS`` and
the e-mail variables. Every variable is parsed strictly: a malformed value stops
start-up with a message naming it, rather than running half-configured.
"""

import base64
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_secret(name: str, default: str = "") -> str:
    """A secret from ``NAME_FILE`` (a file holding it, e.g. a systemd or container secret),
    else from ``NAME``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_listen(name: str) -> str:
    """A listener's ``host:port`` (``[::]:2525`` for IPv6), or "" when unset (off)."""
    raw = env_str(name)
    host, colon, port = raw.rpartition(":")
    if raw and not (colon and host and port.isdigit() and 0 < int(port) < 65536):
        raise ImproperlyConfigured(f"{name} must be host:port (e.g. 0.0.0.0:2525), got {raw!r}")
    return raw


def env_rate_limits(name: str) -> dict | None:
    """``off`` (every limit off: for benchmarks only), or overrides such as
    ``pin_report=10/900,submit_client=20/3600`` on top of the defaults; default on."""
    raw = (os.environ.get(name) or "").strip()
    if raw.lower() in ("off", "false", "0", "no"):
        return None
    if raw.lower() in ("on", "true", "1", "yes"):
        return {}
    limits = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        scope, _sep, value = item.partition("=")
        count, _slash, seconds = value.partition("/")
        try:
            limits[scope.strip()] = (int(count), int(seconds))
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {item!r} is not scope=attempts/seconds") from None
    return limits


def _default_var_dir() -> Path:
    # A source checkout keeps its data beside the code; an installed package uses the cwd.
    checkout = BASE_DIR.parent
    if (checkout / "pyproject.toml").exists():
        return checkout / "var"
    return Path.cwd() / "var"


VAR_DIR = Path(env_str("ADUAN_VAR_DIR") or _default_var_dir())


def _secret_key() -> str:
    key = env_secret("ADUAN_SECRET_KEY")
    if key:
        return key
    # Embedded default: a random key kept in var/, so sessions and PIN hashes
    # survive restarts without putting a secret in the repository.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _data_keys() -> str:
    """The ring that seals personal data at rest (aduan.lib.vault): ADUAN_DATA_KEYS, the
    file ADUAN_DATA_KEYS_FILE names, or (embedded default) a random key kept in var/."""
    keys = env_secret("ADUAN_DATA_KEYS")
    if keys:
        return keys
    path = VAR_DIR / "data_keys"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
        path.write_text(f"k1:{key}\n")
        path.chmod(0o600)
    return path.read_text().strip()


DATA_KEYS = _data_keys()
# True when the ring is the embedded default in var/ (``aduan keys add`` may then edit it).
DATA_KEYS_EMBEDDED = not (os.environ.get("ADUAN_DATA_KEYS") or os.environ.get("ADUAN_DATA_KEYS_FILE"))
DEBUG = env_bool("ADUAN_DEBUG", False)
ALLOWED_HOSTS = env_list("ADUAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("ADUAN_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("ADUAN_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",
    "aduan.accounts",
    "aduan.agencies",
    "aduan.reports",
    "aduan.channels",
    "aduan.push",
    "aduan.deadlines",
    "aduan.routing",
    "aduan.stats",
    "aduan.partners",
    "aduan.privacy",
    "aduan.demo",
    "aduan.web",
    "aduan.api",
    "aduan.portal",
    "aduan.backoffice",
    "aduan.doors",
    "aduan.open311",
    "aduan.transparency",
    "aduan.ops",
]

MIDDLEWARE = [
    "aduan.ops.middleware.RequestMiddleware",
    # Compresses pages and static files alike (a phone on 3G pays for every byte); Django's
    # GZip middleware pads each response at random against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "aduan.api.middleware.ApiErrorShapeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "aduan.web.uploads.RequestSizeLimitMiddleware",
    # Providers' webhooks (/channels/...) stop here: nothing below is for machines (ADR 0014).
    "aduan.doors.middleware.DoorMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A staff session that still owes its second factor is anonymous everywhere but the
    # second step itself (ADR 0010).
    "aduan.web.twofactor.TwoFactorGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: replays the first answer to a retried POST under /api/v1 (Idempotency-Key).
    "aduan.api.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "aduan.urls"
WSGI_APPLICATION = "aduan.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aduan.web.context.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------

DATABASE_URL = env_secret("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'aduan.sqlite3'}"
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("ADUAN_DB_CONN_MAX_AGE", 60))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
_db["CONN_HEALTH_CHECKS"] = True
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] not in ("", ":memory:"):
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue on busy_timeout instead of failing to upgrade.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA cache_size=-32000;"
        ),
    }
    _db["CONN_MAX_AGE"] = 0 if _db["NAME"] in ("", ":memory:") else _db["CONN_MAX_AGE"]
    _db.setdefault("TEST", {})["NAME"] = env_str("ADUAN_TEST_SQLITE_NAME") or None
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work ----------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": env_str("ADUAN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Auth ---------------------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/akun/masuk/"
# Staff sessions end when the browser closes or after 8 idle hours; the PIN-unlocked
# reports of a citizen on a shared computer are forgotten the same way.
SESSION_COOKIE_AGE = env_int("ADUAN_SESSION_SECONDS", 8 * 3600)
SESSION_SAVE_EVERY_REQUEST = False
# Session cookies die with the browser: a citizen's PIN-unlocked reports on a shared
# computer are not there for the next person who opens it.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Staff two-factor login (ADR 0010): roles that must use a second factor (TOTP, a passkey
# or a recovery code); anyone who enrolled a device is asked for it too.
TWO_FACTOR_ROLES = env_list("ADUAN_2FA_ROLES", ["national_admin", "agency_admin", "liaison"])
OTP_TOTP_ISSUER = env_str("ADUAN_2FA_ISSUER", "Aduan")
# django-otp's own exponential back-off would let anyone who knows a password lock its
# owner out; the second step is counted by accounts.ratelimit instead (then proof-of-work).
OTP_TOTP_THROTTLE_FACTOR = 0
# WebAuthn relying party: the host and origin staff use (from ADUAN_SITE_URL by default).
WEBAUTHN_RP_ID = env_str("ADUAN_WEBAUTHN_RP_ID") or (urlsplit(SITE_URL).hostname or "localhost")
WEBAUTHN_ORIGINS = env_list("ADUAN_WEBAUTHN_ORIGINS", [
    f"{urlsplit(SITE_URL).scheme}://{urlsplit(SITE_URL).netloc}"])

# --- Internationalisation -----------------------------------------------------

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------

# --- Cache ----------------------------------------------------------------------
# ADUAN_CACHE_URL (redis://host:6379/0) shares the cache between machines: data versions
# (aduan.lib.versions), rate counters and cached figures. Without it each process has its own.
CACHE_URL = env_secret("ADUAN_CACHE_URL")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": CACHE_URL, "KEY_PREFIX": "aduan",
                      "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
          if CACHE_URL else
          {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "aduan"}}

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)


def _attachment_storage() -> dict:
    """Where attachments live: the local folder (default) or an S3-compatible bucket.

    The bucket stays private: downloads stream through the app, which checks access
    (docs/adr/0013-storage-backup-search.md), so no object is ever public or signed out.
    """
    kind = env_choice("ADUAN_STORAGE", "local", ("local", "s3"))
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": env_str("ADUAN_MEDIA_DIR", str(VAR_DIR / "media"))}}
    bucket = env_str("ADUAN_S3_BUCKET")
    if not bucket:
        raise ImproperlyConfigured("ADUAN_STORAGE=s3 needs ADUAN_S3_BUCKET")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": bucket,
        "endpoint_url": env_str("ADUAN_S3_ENDPOINT") or None,
        "region_name": env_str("ADUAN_S3_REGION") or None,
        "access_key": env_secret("ADUAN_S3_ACCESS_KEY") or None,
        "secret_key": env_secret("ADUAN_S3_SECRET_KEY") or None,
        "location": env_str("ADUAN_S3_PREFIX"),
        # Names are random already; never replace an object that happens to exist.
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
    }}


STORAGES = {
    "default": _attachment_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Domain -------------------------------------------------------------------

# "off" (every limit off: benchmarks only), "on", or overrides such as
# "pin_report=10/900,submit_client=20/3600"; default on.
_RATE_LIMITS = env_rate_limits("ADUAN_RATE_LIMITS")

ADUAN = {
    # Forwards after which the national admin is alerted (no wrong door).
    "FORWARD_ALERT_LIMIT": env_int("ADUAN_FORWARD_ALERT_LIMIT", 3),
    "TRAINING_MODE": env_bool("ADUAN_TRAINING_MODE", False),
    # How often the worker enqueues the deadline sweep.
    "SWEEP_INTERVAL_SECONDS": env_int("ADUAN_SWEEP_INTERVAL_SECONDS", 300),
    # Statistics: rollups refreshed from the event table this often (seconds); open-data
    # dumps written under OPENDATA_DIR with this licence (name, URL).
    "STATS_INTERVAL_SECONDS": env_int("ADUAN_STATS_INTERVAL_SECONDS", 60),
    "OPENDATA_DIR": env_str("ADUAN_OPENDATA_DIR", str(VAR_DIR / "opendata")),
    "OPENDATA_LICENSE": env_str("ADUAN_OPENDATA_LICENSE", "CC-BY-4.0"),
    "OPENDATA_LICENSE_URL": env_str("ADUAN_OPENDATA_LICENSE_URL",
                                    "https://creativecommons.org/licenses/by/4.0/"),
    # Periodic hooks the worker's scheduler calls every tick (dotted paths; each decides
    # itself whether its interval has passed).
    "PERIODIC_HOOKS": env_list("ADUAN_PERIODIC_HOOKS", ["aduan.stats.tasks.stats_periodic",
                                                        "aduan.accounts.chain.anchors_periodic"]),
    # A process seals a hash chain after its commits at most this often (seconds; 0: after
    # every commit); the routing sweep and the worker's tick seal what is left (ADR 0011).
    "SEAL_EVERY": env_float("ADUAN_SEAL_EVERY", 0.25),
    # The worker seals the audit and event hash chains every tick and writes an anchor
    # (also printed to its log) of each chain's head this often.
    "AUDIT_ANCHOR_MINUTES": env_int("ADUAN_AUDIT_ANCHOR_MINUTES", 15),
    # Attachments per message and bytes per file (photos and PDFs).
    "ATTACHMENT_MAX_FILES": env_int("ADUAN_ATTACHMENT_MAX_FILES", 5),
    "ATTACHMENT_MAX_BYTES": env_int("ADUAN_ATTACHMENT_MAX_MB", 5) * 1024 * 1024,
    # Map tiles for the report form's location pin ({z}/{x}/{y} URL template); the tile
    # server's origin is added to the CSP's img-src. Empty: no map, coordinates by hand.
    "MAP_TILES_URL": env_str("ADUAN_MAP_TILES_URL",
                             "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
    "MAP_ATTRIBUTION": env_str("ADUAN_MAP_ATTRIBUTION", "© OpenStreetMap contributors"),
    # Domain used in Message-IDs of outgoing mail.
    "MAIL_DOMAIN": env_str("ADUAN_MAIL_DOMAIN", "aduan.localhost"),
    # Routing of new reports: "task" (background worker, after the submission commits),
    # "inline" (in the submitting request; for small sites and tests) or "off".
    "ROUTING": env_choice("ADUAN_ROUTING", "task", ("task", "inline", "off")),
    # Dispatch confident reports at once (as the system); off: every report waits for a verifier.
    "AUTO_DISPATCH": env_bool("ADUAN_AUTO_DISPATCH", True),
    # /metrics answers only with "Authorization: Bearer <token>"; no token, no endpoint.
    "METRICS_TOKEN": env_secret("ADUAN_METRICS_TOKEN"),
    # /health/ready fails when no worker reported for this long, or a task waits this long.
    "READY_WORKER_SILENCE_SECONDS": env_int("ADUAN_READY_WORKER_SILENCE_SECONDS", 90),
    "READY_QUEUE_AGE_SECONDS": env_int("ADUAN_READY_QUEUE_AGE_SECONDS", 300),
    # A task a worker claimed this long ago goes back to the queue when that worker stopped
    # reporting (killed mid-task); after this many claims it is marked failed instead.
    # Tasks on a live worker are never taken back, however long they run.
    "TASK_LEASE_MINUTES": env_int("ADUAN_TASK_LEASE_MINUTES", 10),
    "TASK_MAX_ATTEMPTS": env_int("ADUAN_TASK_MAX_ATTEMPTS", 3),
    # Share of auto-dispatched reports that must be right on held-out data; sets the threshold.
    "AUTO_DISPATCH_PRECISION": env_float("ADUAN_AUTO_DISPATCH_PRECISION", 0.95),
    # Rate limits (accounts.ratelimit) on top of their defaults, from ADUAN_RATE_LIMITS.
    "RATE_LIMIT_OVERRIDES": _RATE_LIMITS or {},
    # Proof-of-work check shown when a client or an ID passed its limit: the browser
    # tries up to this many numbers (about a second on a phone).
    "CHALLENGE_MAX_NUMBER": env_int("ADUAN_CHALLENGE_MAX_NUMBER", 100_000),
    # Request header with the client address when behind a proxy (e.g. X-Forwarded-For).
    "CLIENT_IP_HEADER": env_str("ADUAN_CLIENT_IP_HEADER"),
    # The worker retrains the router every so many days (0: only by hand).
    "ROUTING_RETRAIN_DAYS": env_int("ADUAN_ROUTING_RETRAIN_DAYS", 30),
    # Days back in which similar open reports are suggested at intake.
    "SIMILAR_DAYS": env_int("ADUAN_SIMILAR_DAYS", 30),
    # Web push (VAPID, RFC 8292): the server's P-256 private key (PEM, or the raw key in
    # base64url); empty: made once and kept in var/vapid_private.pem. The subject is the
    # contact a push service may write to (mailto: or https:).
    "VAPID_PRIVATE_KEY": env_secret("ADUAN_VAPID_PRIVATE_KEY", ""),
    "VAPID_SUBJECT": env_str("ADUAN_VAPID_SUBJECT", "mailto:admin@aduan.localhost"),
    # Abuse limits on channel doors ("off" disables every rate limit): messages per contact
    # per hour, and per door per minute. Messages over a limit are kept, answered once, and
    # shown to staff.
    "RATE_LIMITS": _RATE_LIMITS is not None,
    "CHANNEL_CONTACT_PER_HOUR": env_int("ADUAN_CHANNEL_CONTACT_PER_HOUR", 30),
    "CHANNEL_DOOR_PER_MINUTE": env_int("ADUAN_CHANNEL_DOOR_PER_MINUTE", 3000),
    # How to run inbound channel messages: "task" (the worker, the default) or "inline"
    # (right after the provider's request commits; tests and the simulator).
    "CHANNELS": env_choice("ADUAN_CHANNELS", "task", ("task", "inline")),
    # Partner webhooks may point at private or loopback addresses (tests, a closed network);
    # off by default so a partner cannot aim the worker at the site's own network.
    "WEBHOOKS_ALLOW_PRIVATE": env_bool("ADUAN_WEBHOOKS_ALLOW_PRIVATE", False),
}

# --- Channel doors (each is off, answering 404, until its settings are given) ------

CHANNEL_DOORS = {
    "sms": {"SECRET": env_secret("ADUAN_SMS_GATEWAY_SECRET"),
            "URL": env_str("ADUAN_SMS_GATEWAY_URL")},
    "twilio": {"ACCOUNT_SID": env_str("ADUAN_TWILIO_ACCOUNT_SID"),
               "AUTH_TOKEN": env_secret("ADUAN_TWILIO_AUTH_TOKEN"),
               "FROM": env_str("ADUAN_TWILIO_FROM"),
               "API_BASE": env_str("ADUAN_TWILIO_API_BASE", "https://api.twilio.com")},
    "whatsapp": {"VERIFY_TOKEN": env_secret("ADUAN_WHATSAPP_VERIFY_TOKEN"),
                 "APP_SECRET": env_secret("ADUAN_WHATSAPP_APP_SECRET"),
                 "TOKEN": env_secret("ADUAN_WHATSAPP_TOKEN"),
                 "PHONE_NUMBER_ID": env_str("ADUAN_WHATSAPP_PHONE_NUMBER_ID"),
                 "API_BASE": env_str("ADUAN_WHATSAPP_API_BASE",
                                     "https://graph.facebook.com/v23.0"),
                 # Sent instead of free text outside the 24-hour window (an approved template).
                 "TEMPLATE": env_str("ADUAN_WHATSAPP_TEMPLATE", "aduan_update"),
                 "TEMPLATE_LANGUAGE": env_str("ADUAN_WHATSAPP_TEMPLATE_LANGUAGE", "id")},
    "telegram": {"BOT_TOKEN": env_secret("ADUAN_TELEGRAM_BOT_TOKEN"),
                 "SECRET_TOKEN": env_secret("ADUAN_TELEGRAM_SECRET_TOKEN"),
                 "API_BASE": env_str("ADUAN_TELEGRAM_API_BASE", "https://api.telegram.org")},
    "x": {"CONSUMER_SECRET": env_secret("ADUAN_X_CONSUMER_SECRET"),
          "ACCESS_TOKEN": env_secret("ADUAN_X_ACCESS_TOKEN"),
          "HANDLE": env_str("ADUAN_X_HANDLE").lstrip("@"),
          "HASHTAG": env_str("ADUAN_X_HASHTAG", "lapor").lstrip("#"),
          "API_BASE": env_str("ADUAN_X_API_BASE", "https://api.x.com")},
    "email": {"ADDRESS": env_str("ADUAN_MAIL_IN_ADDRESS"),
              "IMAP_HOST": env_str("ADUAN_IMAP_HOST"),
              "IMAP_PORT": env_int("ADUAN_IMAP_PORT", 993),
              "IMAP_USER": env_str("ADUAN_IMAP_USER"),
              "IMAP_PASSWORD": env_secret("ADUAN_IMAP_PASSWORD"),
              # The SMTP listener (`aduan mail serve`, started by `aduan serve` when set).
              "LISTEN": env_listen("ADUAN_MAIL_LISTEN"),
              "MAX_BYTES": env_int("ADUAN_MAIL_MAX_MB", 25) * 1024 * 1024},
}

# --- Security -----------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A site served over https gets Secure cookies and HSTS unless told otherwise.
_HTTPS_SITE = urlsplit(SITE_URL).scheme == "https"
SESSION_COOKIE_SECURE = env_bool("ADUAN_SECURE_COOKIES", _HTTPS_SITE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("ADUAN_SSL_REDIRECT", False)
# Health probes from a load balancer come over plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
# HSTS: a year on an https site by default (0 turns it off); browsers then refuse plain
# http for this host. Preload is the operator's decision (it is hard to undo).
SECURE_HSTS_SECONDS = env_int("ADUAN_HSTS_SECONDS", 365 * 24 * 3600 if _HTTPS_SITE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ADUAN_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("ADUAN_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool(
    "ADUAN_BEHIND_TLS_PROXY", False) else None


def _tile_origin(url: str) -> list[str]:
    """The map tile server's origin for the CSP ({s} subdomains become a wildcard)."""
    if not url:
        return []
    parts = urlsplit(url.replace("{s}.", "*."))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(f"ADUAN_MAP_TILES_URL must be an http(s) URL, got {url!r}")
    return [f"{parts.scheme}://{parts.netloc}"]


SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_tile_origin(ADUAN["MAP_TILES_URL"])],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# JSON requests carry at most a 10,000-character body; anything far larger is refused (413).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("ADUAN_MAX_REQUEST_BYTES", 256 * 1024)
# Files are counted and measured while they stream in (aduan.web.uploads); a form
# never needs more parts than this.
FILE_UPLOAD_HANDLERS = ["aduan.web.uploads.LimitedUploadHandler"]
DATA_UPLOAD_MAX_NUMBER_FILES = 20
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# --- E-mail -------------------------------------------------------------------

# The embedded default writes messages to var/mail instead of sending them:
# a demo or training site never reaches a real citizen. Production sets
# ADUAN_EMAIL=smtp and the ADUAN_SMTP_* variables.
_EMAIL = env_str("ADUAN_EMAIL", "file")
if _EMAIL == "file":
    _mailer = {"BACKEND": "django.core.mail.backends.filebased.EmailBackend",
               "OPTIONS": {"file_path": str(VAR_DIR / "mail")}}
elif _EMAIL == "console":
    _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
elif _EMAIL == "smtp":
    _mailer = {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": env_str("ADUAN_SMTP_HOST", "localhost"),
        "port": env_int("ADUAN_SMTP_PORT", 587),
        "username": env_str("ADUAN_SMTP_USER"),
        "password": env_secret("ADUAN_SMTP_PASSWORD"),
        "use_tls": env_bool("ADUAN_SMTP_TLS", True),
        "timeout": env_int("ADUAN_SMTP_TIMEOUT", 20),
    }}
else:
    raise ImproperlyConfigured(f"ADUAN_EMAIL must be file, console or smtp, got {_EMAIL!r}")
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = env_str("ADUAN_FROM_EMAIL", "Aduan <no-reply@aduan.localhost>")

# --- Logging: no personal data; request bodies are never logged. --------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "aduan.lib.requestlog.JsonFormatter"},
    },
    "filters": {"request_id": {"()": "aduan.lib.requestlog.RequestIdFilter"}},
    # ADUAN_LOG_FORMAT=json: one JSON object per line, with the request id.
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                             "formatter": env_choice("ADUAN_LOG_FORMAT", "plain",
                                                     ("plain", "json"))}},
    "root": {"handlers": ["console"], "level": env_str("ADUAN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        # aiosmtpd logs each envelope's sender and recipients at INFO: personal data.
        "mail.log": {"level": "WARNING"},
    },
}
