"""Configuration from environment variables, with defaults that are safe to run as they are."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

SUPPORTED_LANGUAGES = ("de", "en")
LOOPBACK = ("127.0.0.1", "localhost")
DEFAULT_LANGUAGE = "de"


def instance_path() -> Path:
    """Return the folder holding everything a running portal keeps (database, index, outbox)."""
    return Path(os.environ.get("PORTAL_INSTANCE_PATH", "instance")).resolve()


def _secret_key(folder: Path) -> str:
    """Read the secret key from the instance folder, creating it once, so it survives restarts."""
    key_file = folder / "secret_key"
    if not key_file.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _engine_options(database_url: str) -> dict:
    """A server's connections are tested before use (it may have dropped them); SQLite's are
    files that do not drop, and its writers wait for each other's lock instead of failing after
    five seconds."""
    if database_url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


def _trusted_hosts(base_url: str) -> list[str]:
    """The hosts requests may name: ``PORTAL_TRUSTED_HOSTS``, else the base URL's host (and
    loopback's other name when that is loopback, as for ``make run`` and the tests)."""
    listed = os.environ.get("PORTAL_TRUSTED_HOSTS", "")
    if listed.strip():
        return [host.strip() for host in listed.split(",") if host.strip()]
    host = urlsplit(base_url).hostname or "127.0.0.1"
    return [host, *LOOPBACK] if host in LOOPBACK else [host]


def months(text: str) -> frozenset[int]:
    """``"10-4"`` (October to April) or ``"11,12,1"`` as a set of months."""
    found: set[int] = set()
    for part in filter(str.strip, text.split(",")):
        first, _, last = part.partition("-")
        start, end = int(first), int(last or first)
        if not (1 <= start <= 12 and 1 <= end <= 12):
            raise ValueError(f"not a month: {part.strip()!r}")
        found.update((start - 1 + step) % 12 + 1 for step in range((end - start) % 12 + 1))
    return frozenset(found)


# The knowledge-base article that explains each emergency at length, per language.
SAFETY_ARTICLES = {
    "gas": {"de": "gasgeruch", "en": "smell-of-gas"},
    "carbon_monoxide": {"de": "kohlenmonoxid-melder", "en": "carbon-monoxide-alarm"},
    "water": {"de": "wasserschaden-hauptabsperrhahn", "en": "burst-pipe-main-stop-valve"},
    "fire": {"de": "rauch-brandgeruch", "en": "smoke-burning-smell"},
    "no_heating": {"de": "heizung-faellt-aus", "en": "heating-has-failed"},
}


def from_environment(folder: Path) -> dict:
    """Build the configuration mapping for an app whose instance folder is ``folder``."""
    https = _flag("PORTAL_HTTPS")
    base_url = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'portal.sqlite3'}"
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _secret_key(folder),
        # Werkzeug's scrypt (n=32768, r=8, p=1); tests choose a cheap one for speed.
        "PASSWORD_HASH_METHOD": "scrypt",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url),
        "MAX_CONTENT_LENGTH": int(os.environ.get("PORTAL_MAX_REQUEST_BYTES", 8 * 1024 * 1024)),
        "MAX_IMAGE_BYTES": int(os.environ.get("PORTAL_MAX_IMAGE_BYTES", 5 * 1024 * 1024)),
        "MAX_IMAGE_PIXELS": int(os.environ.get("PORTAL_MAX_IMAGE_PIXELS", 25_000_000)),
        # Tokens live as long as the session: a page revalidated with 304 hours later still works.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "PORTAL_HTTPS": https,
        "PORTAL_BEHIND_PROXY": _flag("PORTAL_BEHIND_PROXY"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Every limit counts the last minute or day from now, so no burst slips through where
        # one fixed window ends and the next begins.
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("PORTAL_LOGIN_RATE_LIMIT", "10 per minute"),
        # Staff accounts: sessions, links in e-mails, two-factor codes (see portal/sessions.py).
        "STAFF_IDLE_MINUTES": float(os.environ.get("PORTAL_STAFF_IDLE_MINUTES", 60)),
        "REMEMBER_DAYS": float(os.environ.get("PORTAL_REMEMBER_DAYS", 14)),
        "INVITATION_HOURS": float(os.environ.get("PORTAL_INVITATION_HOURS", 72)),
        "PASSWORD_RESET_MINUTES": float(os.environ.get("PORTAL_PASSWORD_RESET_MINUTES", 60)),
        "PASSWORD_RESET_RATE_LIMIT": os.environ.get(
            "PORTAL_PASSWORD_RESET_RATE_LIMIT", "5 per hour"
        ),
        "TWO_FACTOR_RATE_LIMIT": os.environ.get("PORTAL_2FA_RATE_LIMIT", "5 per minute"),
        "ADMIN_2FA_REQUIRED": _flag("PORTAL_ADMIN_2FA_REQUIRED"),
        "VOTE_RATE_LIMIT": os.environ.get("PORTAL_VOTE_RATE_LIMIT", "30 per minute; 300 per day"),
        "VOTE_VISITOR_RATE_LIMIT": os.environ.get(
            "PORTAL_VOTE_VISITOR_RATE_LIMIT", "10 per minute"
        ),
        "HELPFULNESS_PRIOR": float(os.environ.get("PORTAL_HELPFULNESS_PRIOR", 0.5)),
        "HELPFULNESS_PRIOR_VOTES": float(os.environ.get("PORTAL_HELPFULNESS_PRIOR_VOTES", 10)),
        "HELPFULNESS_SEARCH_STRENGTH": float(os.environ.get("PORTAL_HELPFULNESS_STRENGTH", 0.5)),
        "HELPFULNESS_HALF_LIFE_DAYS": float(os.environ.get("PORTAL_HELPFULNESS_HALF_LIFE", 365)),
        "HELPFULNESS_VOTES_PER_ADDRESS": int(os.environ.get("PORTAL_VOTES_PER_ADDRESS", 3)),
        # How long the cap on votes per address (an IPv6 client's /64) holds.
        "HELPFULNESS_ADDRESS_DAYS": int(os.environ.get("PORTAL_VOTES_ADDRESS_DAYS", 30)),
        "HELPFULNESS_CACHE_SECONDS": float(os.environ.get("PORTAL_HELPFULNESS_CACHE_SECONDS", 10)),
        "SEARCH_SYNC_SECONDS": float(os.environ.get("PORTAL_SEARCH_SYNC_SECONDS", 2)),
        "PORTAL_BASE_URL": base_url,
        # Any other Host header is refused (400), so no forged host reaches a page or a link.
        "TRUSTED_HOSTS": _trusted_hosts(base_url),
        "BOOKING_STATE": os.environ.get("PORTAL_BOOKING_STATE", "HH"),
        "BOOKING_WINDOWS": os.environ.get(
            "PORTAL_BOOKING_WINDOWS", "08:00-10:00,10:00-12:00,13:00-15:00,15:00-17:00"
        ),
        "BOOKING_MIN_NOTICE_HOURS": float(os.environ.get("PORTAL_BOOKING_MIN_NOTICE_HOURS", 24)),
        "BOOKING_HORIZON_DAYS": int(os.environ.get("PORTAL_BOOKING_HORIZON_DAYS", 60)),
        "BOOKING_CHANGE_CUTOFF_HOURS": float(os.environ.get("PORTAL_BOOKING_CUTOFF_HOURS", 24)),
        "BOOKING_MAX_RESCHEDULES": int(os.environ.get("PORTAL_BOOKING_MAX_RESCHEDULES", 2)),
        "BOOKING_PHOTO_DAYS": int(os.environ.get("PORTAL_BOOKING_PHOTO_DAYS", 30)),
        "BOOKING_RATE_LIMIT": os.environ.get("PORTAL_BOOKING_RATE_LIMIT", "10 per hour"),
        # Open online bookings one customer (e-mail, phone or visit address) may hold at once.
        "BOOKING_OPEN_PER_CUSTOMER": int(os.environ.get("PORTAL_BOOKING_OPEN_PER_CUSTOMER", 3)),
        "BOOKING_OPEN_PER_NETWORK_DAY": int(
            os.environ.get("PORTAL_BOOKING_OPEN_PER_NETWORK_DAY", 6)
        ),
        "BOOKING_MANAGE_RATE_LIMIT": os.environ.get("PORTAL_MANAGE_RATE_LIMIT", "60 per hour"),
        "BOOKING_API_RATE_LIMIT": os.environ.get("PORTAL_BOOKING_API_RATE_LIMIT", "120 per minute"),
        "TRIAGE_RATE_LIMIT": os.environ.get("PORTAL_TRIAGE_RATE_LIMIT", "120 per minute"),
        "CALLBACK_RATE_LIMIT": os.environ.get("PORTAL_CALLBACK_RATE_LIMIT", "5 per hour"),
        # Closed callback requests (names, numbers) are deleted after this many days.
        "CALLBACK_KEEP_DAYS": int(os.environ.get("PORTAL_CALLBACK_KEEP_DAYS", 30)),
        # Searches beyond these are answered but not logged; deflections beyond are not counted.
        "SEARCH_LOG_RATE_LIMIT": os.environ.get(
            "PORTAL_SEARCH_LOG_RATE_LIMIT", "20 per minute; 300 per day"
        ),
        "DEFLECTION_RATE_LIMIT": os.environ.get("PORTAL_DEFLECTION_RATE_LIMIT", "20 per hour"),
        # Different visitors (networks) who must have asked a query before it is suggested.
        "SUGGESTION_MIN_VISITORS": int(os.environ.get("PORTAL_SUGGESTION_MIN_VISITORS", 5)),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_OUTBOX": os.environ.get("PORTAL_MAIL_OUTBOX") or str(folder / "outbox"),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Kundenportal <service@portal.example>"),
        # Measured on the demo articles (13 KB pages, ~2.6 ms CPU to render): zstd 3 leaves 33 %
        # of a page for 0.06 ms of CPU, brotli 2 33 % for 0.09 ms, gzip 3 34 % for 0.12 ms. The
        # next levels save 2-5 % more for 1.2-2.2 times the CPU, and pages this small fit the
        # first round trip either way. Static files reach Flask-Compress as streams, whose own
        # list of algorithms leaves out gzip.
        "COMPRESS_ALGORITHM": ["zstd", "br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["zstd", "br", "gzip"],
        "COMPRESS_ZSTD_LEVEL": 3,
        "COMPRESS_BR_LEVEL": 2,
        "COMPRESS_LEVEL": 3,
        "COMPRESS_MIN_SIZE": 500,
        # Text only: images and downloads (CSV, photos) stay byte for byte as they are. Both
        # JavaScript types, as /etc/mime.types may say either for .js.
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "image/svg+xml",
            "text/plain",
        ],
        "BABEL_DEFAULT_LOCALE": DEFAULT_LANGUAGE,
        "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
        "COMPANY_PHONE": os.environ.get("PORTAL_COMPANY_PHONE", "0800 555 0142"),
        # When the service hotline answers: "24/7", or days and times such as the default.
        "SERVICE_HOURS": os.environ.get(
            "PORTAL_SERVICE_HOURS", "Mo-Fr 07:00-19:00, Sa 08:00-14:00"
        ),
        # The company's emergency line (empty: none) and when it is staffed.
        "EMERGENCY_PHONE": os.environ.get("PORTAL_EMERGENCY_PHONE", "0800 555 0199"),
        "EMERGENCY_HOURS": os.environ.get(
            "PORTAL_EMERGENCY_HOURS", "Mo-Fr 06:00-22:00, Sa-So 08:00-20:00"
        ),
        # The gas network operator's 24-hour emergency number; the default is a demo value.
        "GAS_EMERGENCY_PHONE": os.environ.get("PORTAL_GAS_EMERGENCY_PHONE", "0800 555 0100"),
        "GAS_NETWORK_OPERATOR": os.environ.get(
            "PORTAL_GAS_NETWORK_OPERATOR", "Stadtwerke Musterstadt (Demo)"
        ),
        "EMERGENCY_SERVICES_PHONE": os.environ.get("PORTAL_EMERGENCY_SERVICES_PHONE", "112"),
        # No heating is urgent in these months; emergencies are emergencies all year.
        "HEATING_MONTHS": months(os.environ.get("PORTAL_HEATING_MONTHS", "10-4")),
        "SAFETY_ARTICLES": SAFETY_ARTICLES,
        "COMPANY_EMAIL": os.environ.get(
            "PORTAL_COMPANY_EMAIL", "service@nordlicht-haustechnik.example"
        ),
    }
