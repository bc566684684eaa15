"""Flask extensions, created unbound here and bound to an app in ``create_app``."""

import ipaddress
import math
import time

from flask import request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from limits import parse_many
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose constraint names are stable, as Alembic batch migrations need."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class FileSafeCompress(Compress):
    """Flask-Compress 1.25, fixed for the files it compresses as streams (static files).

    It would compress a 206 too, whose Content-Range counts the file's own bytes (a client
    joining the parts would get garbage), and it replaces the file's body without closing it.
    """

    def after_request(self, response):
        if response.status_code == 206:
            return response
        body = response.response
        response = super().after_request(response)
        if response.response is not body and hasattr(body, "close"):
            response.call_on_close(body.close)
        return response


def client_network() -> str:
    """The client's address for limits and counts: an IPv6 client is its /64, the block one
    household or one attacker gets, so walking through its addresses changes nothing."""
    address = request.remote_addr or ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = FileSafeCompress()
limiter = Limiter(key_func=client_network, default_limits=[])


def within_limit(name: str, rate: str) -> bool:
    """Count one more ``name`` for this client's network against ``rate``; False once it is
    used up. For writes a request makes on the side, which are skipped while it is answered."""
    if not limiter.enabled:
        return True
    # Every limit counts this write, also after one of them is used up.
    hits = [limiter.limiter.hit(item, name, client_network()) for item in parse_many(rate)]
    return all(hits)


def wait_before(name: str, rate: str) -> int:
    """Seconds this client's network must wait before one more ``name`` fits ``rate``; 0 when
    it fits now. Counts nothing: for limits on what was done (:func:`count_done`), not tried."""
    if not limiter.enabled:
        return 0
    waits = []
    for item in parse_many(rate):
        if not limiter.limiter.test(item, name, client_network()):
            reset, _ = limiter.limiter.get_window_stats(item, name, client_network())
            waits.append(max(1, math.ceil(reset - time.time())))
    return max(waits, default=0)


def count_done(name: str, rate: str) -> None:
    """Count one ``name`` done by this client's network against every limit of ``rate``."""
    if limiter.enabled:
        for item in parse_many(rate):
            limiter.limiter.hit(item, name, client_network())
