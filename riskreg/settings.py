"""riskreg settings: one file, every deploy-time value from the environment."""

import ipaddress
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true or false.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_roles(name: str, default: list[str]) -> list[str]:
    """A comma-separated list of riskreg role names; an unknown name stops start-up."""
    from riskreg.roles import ROLES

    roles = env_list(name, default)
    for role in roles:
        if role not in ROLES:
            raise ImproperlyConfigured(f"{name}: {role!r} is not a role ({', '.join(ROLES)}).")
    return roles


def env_days(name: str, default: list[int]) -> list[int]:
    """Comma-separated whole numbers of days (14,7,1); anything else stops start-up."""
    raw = env_list(name, [str(day) for day in default])
    if not all(item.isdigit() for item in raw):
        raise ImproperlyConfigured(f"{name}={','.join(raw)!r} is not a list of days: use 14,7,1.")
    return sorted({int(item) for item in raw}, reverse=True)


def env_addresses(name: str) -> list[str]:
    """Comma-separated e-mail addresses; a malformed one stops start-up."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    addresses = env_list(name, [])
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(f"{name}: {address!r} is not an e-mail address.") from None
    return addresses


def site_url(raw: str) -> str:
    """The public address links in e-mail start with: http(s)://host[:port][/path]."""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ImproperlyConfigured(
            f"RISKREG_SITE_URL={raw!r} is not a site address such as https://riskreg.opcc.example"
        )
    return raw.rstrip("/")


def email_from_url(url: str) -> dict:
    """EMAIL_URL as smtp://host:port, smtp+tls://user:password@host:587 or smtp+ssl://…:465."""
    parts = urlsplit(url)
    ports = {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}
    try:
        port = parts.port or ports[parts.scheme]
    except (KeyError, ValueError):
        port = None
    if not port or not parts.hostname:
        raise ImproperlyConfigured(
            f"EMAIL_URL={url!r} is not smtp://host:port, smtp+tls://… or smtp+ssl://…"
        )
    return {
        "host": parts.hostname,
        "port": port,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "tls": parts.scheme == "smtp+tls",
        "ssl": parts.scheme == "smtp+ssl",
    }


def env_networks(name: str) -> list[str]:
    """Comma-separated addresses or networks (10.0.0.2, 172.16.0.0/12, ::1)."""
    networks = env_list(name, [])
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {network!r} is not an IP address or network."
            ) from None
    return networks


def env_role_map(name: str) -> dict[str, str]:
    """`riskreg-smt=SMT lead,riskreg-risk=Risk editor`: claim value → riskreg role."""
    from riskreg.roles import ROLES

    mapping = {}
    for item in env_list(name, []):
        value, equals, role = (part.strip() for part in item.partition("="))
        if not equals or not value or role not in ROLES:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not `claim value=role` with a role of {', '.join(ROLES)}."
            )
        mapping[value] = role
    return mapping


def sso_form_origins(issuer: str) -> list[str]:
    parts = urlsplit(issuer)
    return [f"{parts.scheme}://{parts.netloc}"] if issuer else []


def sso_providers(issuer: str, client_id: str, secret: str, button: str) -> dict:
    """allauth's OpenID Connect provider, `sso`, pointed at one issuer (none if unset)."""
    if not issuer:
        return {"openid_connect": {"APPS": []}}
    if not client_id:
        raise ImproperlyConfigured("RISKREG_OIDC_CLIENT_ID must be set with RISKREG_OIDC_ISSUER.")
    app = {
        "provider_id": "sso",
        "name": button,
        "client_id": client_id,
        "secret": secret,
        # The ID token carries the role claim (Entra puts groups there, not in userinfo).
        "settings": {"server_url": issuer, "fetch_userinfo": False},
    }
    return {"openid_connect": {"APPS": [app], "OAUTH_PKCE_ENABLED": True}}


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "csp",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "riskreg",
    "riskreg.identity",
    "riskreg.shared",
    "riskreg.reminders",
    "commitments",
    "registers",
    "reports",
]

MIDDLEWARE = [
    "riskreg.middleware.Probes",  # first: health probes skip everything below
    "riskreg.middleware.AllowedMethodsMiddleware",
    "riskreg.middleware.RequestSizeMiddleware",  # its process_view runs before CSRF reads
    "riskreg.middleware.ProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "riskreg.middleware.SessionLifetimeMiddleware",
    "riskreg.identity.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "riskreg.middleware.PermissionsPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "riskreg.urls"
WSGI_APPLICATION = "riskreg.wsgi.application"

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
                "riskreg.context_processors.riskreg",
            ],
        },
    },
]

# Connections persist between requests; each request's first query checks its connection
# first (CONN_HEALTH_CHECKS), so a database restart costs no request once it is back.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# One cache for every worker, in the database: a second-factor code is refused the second
# time whichever gunicorn worker sees it (allauth keeps used codes in the cache).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "riskreg_cache",
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "riskreg.identity.backends.PasswordBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Accounts (django-allauth): riskreg's administrators create local users; no self sign-up.
ACCOUNT_ADAPTER = "riskreg.identity.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = True  # the session's lifetime is riskreg.middleware's
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # the reset page answers the same, and mails no stranger
ACCOUNT_EMAIL_SUBJECT_PREFIX = "riskreg: "
ACCOUNT_EMAIL_NOTIFICATIONS = True  # "your password was changed", "a security key was added"
ACCOUNT_FORMS = {"reset_password": "riskreg.identity.forms.PasswordResetForm"}
# django-axes is the one login throttle, for passwords and second-factor codes alike.
ACCOUNT_RATE_LIMITS = {"login": None, "login_failed": None}
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for an hour, and once

# Single sign-on with OpenID Connect (e.g. Microsoft Entra ID); off while the issuer is unset.
SOCIALACCOUNT_ADAPTER = "riskreg.identity.adapters.SSOAdapter"
OIDC_ISSUER = os.environ.get("RISKREG_OIDC_ISSUER", "")
SOCIALACCOUNT_PROVIDERS = sso_providers(
    OIDC_ISSUER,
    os.environ.get("RISKREG_OIDC_CLIENT_ID", ""),
    os.environ.get("RISKREG_OIDC_CLIENT_SECRET", ""),
    os.environ.get("RISKREG_OIDC_BUTTON") or "Sign in with your organisation",
)
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SSO_ROLE_CLAIM = os.environ.get("RISKREG_SSO_ROLE_CLAIM") or "groups"
SSO_ROLE_MAP = env_role_map("RISKREG_SSO_ROLE_MAP")
SSO_LINK_BY_EMAIL = env_bool("RISKREG_SSO_LINK_BY_EMAIL", False)
SSO_ONLY = env_bool("RISKREG_SSO_ONLY", False)
if SSO_ONLY and not SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]:
    raise ImproperlyConfigured("RISKREG_SSO_ONLY needs RISKREG_OIDC_ISSUER and its client.")

# Second factors: authenticator app (TOTP) with recovery codes, and security keys / passkeys.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "riskreg"
MFA_FORMS = {"authenticate": "riskreg.identity.forms.SecondFactorForm"}
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # http://localhost while developing
# Enrolment is forced at login for superusers and these roles (off by default in debug).
MFA_ENFORCED = env_bool("RISKREG_MFA_ENFORCED", not DEBUG)
MFA_REQUIRED_ROLES = env_roles(
    "RISKREG_MFA_ROLES", ["Report author", "Plan manager", "Risk editor"]
)

# Login throttling: five failures lock that username from that address for 15 minutes;
# twenty from any addresses lock it from all of them (riskreg.throttle).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
RISKREG_USERNAME_FAILURE_LIMIT = env_int("RISKREG_USERNAME_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_HANDLER = "riskreg.throttle.LoginThrottle"
AXES_USERNAME_CALLABLE = "riskreg.throttle.client_username"
# The client's address (riskreg.proxy): X-Forwarded-For counts only from these proxies.
AXES_CLIENT_IP_CALLABLE = "riskreg.proxy.client_address"
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
TRUSTED_PROXIES = env_networks("DJANGO_TRUSTED_PROXIES")
if BEHIND_PROXY and not TRUSTED_PROXIES:
    raise ImproperlyConfigured(
        "DJANGO_BEHIND_PROXY=true needs DJANGO_TRUSTED_PROXIES: the address (or network) the "
        "proxy connects from. Without it every client would share the proxy's address."
    )

# Sessions: 12 hours at most, 30 minutes idle ends them (riskreg.middleware).
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_IDLE_SECONDS = 30 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES

# Headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = False
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        # The SSO button's form is answered by a redirect to the provider's sign-in page.
        "form-action": ["'self'", *sso_form_origins(OIDC_ISSUER)],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# An uploaded workbook waits in the database between its dry run and its confirmation.
PENDING_UPLOAD_MINUTES = env_int("RISKREG_PENDING_UPLOAD_MINUTES", 60)
# Request bodies: at most 2 MB (riskreg.middleware.RequestSizeMiddleware), but a workbook
# upload (10 MB and its form), which is kept in memory rather than in a temporary file.
REQUEST_MAX_BYTES = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024

# History is read, never reverted: riskreg.shared.admin.HistoryAdmin refuses the POST too.
SIMPLE_HISTORY_REVERT_DISABLED = True

# E-mail (password reset): EMAIL_URL, or the console while debugging.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    _email = email_from_url(EMAIL_URL)
    EMAIL_HOST, EMAIL_PORT = _email["host"], _email["port"]
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _email["user"], _email["password"]
    EMAIL_USE_TLS, EMAIL_USE_SSL = _email["tls"], _email["ssl"]
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("RISKREG_FROM_EMAIL") or "riskreg@localhost"
# Without EMAIL_URL outside debug nothing is sent: send_reminders says so and the deploy
# check warns (riskreg.reminders.checks).
if not EMAIL_URL and not DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

# Reminders and notices by e-mail (riskreg.reminders, manage.py send_reminders).
_site = os.environ.get("RISKREG_SITE_URL", "")
RISKREG_SITE_URL = site_url(_site) if _site else ("http://127.0.0.1:8000" if DEBUG else "")
REMINDER_DAYS = env_days("RISKREG_REMINDER_DAYS", [14, 7, 1])
ACTION_REMINDER_DAYS = env_days("RISKREG_ACTION_REMINDER_DAYS", [30, 7, 1])
REMINDER_WEEKDAY = env_int("RISKREG_REMINDER_WEEKDAY", 1)  # ISO: 1 is Monday
if not 1 <= REMINDER_WEEKDAY <= 7:
    raise ImproperlyConfigured("RISKREG_REMINDER_WEEKDAY is 1 (Monday) to 7 (Sunday).")
DIGEST_HOUR = env_int("RISKREG_DIGEST_HOUR", 7)  # local time; notices go at any hour
if not 0 <= DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("RISKREG_DIGEST_HOUR is an hour of the day, 0 to 23.")
DIGEST_REQUIRED_ROLES = env_roles("RISKREG_DIGEST_REQUIRED_ROLES", [])
NOTICE_REQUIRED_ROLES = env_roles("RISKREG_NOTICE_REQUIRED_ROLES", [])
PAPER_RECIPIENTS = env_addresses("RISKREG_PAPER_RECIPIENTS")
PAPER_ATTACHED = env_bool("RISKREG_PAPER_ATTACHED", False)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

RISKREG_ORGANISATION = os.environ.get(
    "RISKREG_ORGANISATION", "Office of the Police and Crime Commissioner"
)
RISKREG_PLAN_NAME = os.environ.get("RISKREG_PLAN_NAME", "Police and Crime Plan 2025-2029")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "utc": {
            "()": "riskreg.logging.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "filters": {"one_line": {"()": "riskreg.logging.OneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "utc"}},
    "loggers": {
        "riskreg.security": {"handlers": ["console"], "level": "INFO", "filters": ["one_line"]},
        "riskreg.reminders": {"handlers": ["console"], "level": "INFO"},
        "django": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    },
}
