"""Every form field, query parameter and JSON field gets every naughty string (one each, on both
databases) and every XSS payload (packed into wide values, on SQLite): never a 500, never a
payload reflected unescaped."""

import os
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from tests.helpers.config import GENEROUS_LIMITS, once
from tests.judges.corpora import naughty_strings, packed, reflected, xss_payloads
from tests.judges.site import Site, customer_pages, populate, signed_in, staff_pages

ON_POSTGRES = bool(os.environ.get("DATABASE_URL"))
XSS_WIDTH = 1000
QUIET = {
    **GENEROUS_LIMITS,
    "WTF_CSRF_ENABLED": False,
    "HELPFULNESS_CACHE_SECONDS": 60,
    "BOOKING_HORIZON_DAYS": 14,
}
# Signing out would end the session every later staff surface relies on (it has no fields).
SKIPPED_ACTIONS = ("/staff/logout",)


@dataclass(frozen=True)
class Surface:
    """Where input enters: a form (found on a page), a query string, or a JSON body."""

    role: str | None
    method: str
    url: str
    fields: tuple[str, ...]
    base: tuple[tuple[str, str], ...] = ()
    kind: str = "form"


class _Forms(HTMLParser):
    """The POST forms of a page with the names (and first values) of their fields."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "get").lower() == "post":
            self.found.append((attributes.get("action") or self.page_url, {}))
        elif self.found and tag in ("input", "select", "textarea", "button"):
            name = attributes.get("name")
            if name and name != "csrf_token" and attributes.get("type") != "file":
                self.found[-1][1].setdefault(name, attributes.get("value") or "")


def _forms(client, role, url) -> list[Surface]:
    parser = _Forms(url.split("?")[0])
    parser.feed(client.get(url).get_data(as_text=True))
    return [
        Surface(role, "POST", action, tuple(fields), tuple(fields.items()))
        for action, fields in parser.found
        if fields and not action.startswith(SKIPPED_ACTIONS)
    ]


def _queries(site: Site) -> list[Surface]:
    slug, token, article = site.slug_de, site.manage_token, site.article_id
    get = [
        (None, "/de/suche", ("q", "kategorie", "seite")),
        (None, "/api/search", ("q", "lang", "category", "page")),
        (None, "/api/suggest", ("q", "lang")),
        (None, "/api/triage", ("text", "lang")),
        (None, "/api/booking/slots", ("service", "postcode", "from", "to")),
        (None, "/api/booking/suggestions", ("q", "lang", "service")),
        (None, "/sprache/de", ("next",)),
        (None, "/de/termin", ("leistung",)),
        (None, "/de/rueckruf", ("thema",)),
        (None, f"/de/termin/verwalten/{token}/verschieben", ("seite",)),
        (None, f"/de/termin/hilfe/{slug}", ("leistung",)),
        ("editor", "/staff/articles/", ("status",)),
        ("editor", "/staff/articles/new", ("title", "language")),
        ("editor", f"/staff/articles/{article}/diff", ("from", "to")),
        ("editor", "/staff/search/", ("tage",)),
        ("editor", "/staff/search/export.csv", ("tage",)),
        ("editor", "/staff/feedback/", ("sprache",)),
        ("editor", "/staff/feedback/export.csv", ("sprache",)),
        ("dispatcher", "/staff/termine/", ("tag", "techniker")),
        ("dispatcher", "/staff/termine/woche", ("ab", "techniker")),
        ("dispatcher", "/staff/termine/export.csv", ("von", "bis")),
    ]
    paths = [
        (None, "/de/artikel/{}"),
        (None, "/de/kategorie/{}"),
        (None, "/de/termin/verwalten/{}"),
        (None, "/de/termin/hilfe/{}"),
        (None, "/{}/"),
        (None, "/{}/notfall"),
    ]
    return [Surface(role, "GET", url, fields, kind="query") for role, url, fields in get] + [
        Surface(role, "GET", url, ("path",), kind="path") for role, url in paths
    ]


def _json(site: Site) -> list[Surface]:
    return [
        Surface(
            None,
            "POST",
            f"/api/articles/de/{site.slug_de}/vote",
            ("vote", "reason", "comment"),
            (("vote", "no"),),
            kind="json",
        )
    ]


def surfaces(app, site: Site) -> list[Surface]:
    found = _queries(site) + _json(site)
    clients = {None: app.test_client()}
    clients.update({role: signed_in(app, role) for role in ("editor", "dispatcher", "admin")})
    pages = [(None, url) for _, url, data in customer_pages(site, "de") if data is None]
    pages += [(role, url) for _, url, role in staff_pages(site)]
    pages += [(None, "/de/artikel/" + site.slug_de + "#vote-no")]
    seen = set()
    for role, url in pages:
        for surface in _forms(clients[role], role, url):
            key = (surface.role, surface.url, surface.fields)
            if key not in seen:
                seen.add(key)
                found.append(surface)
    return found


def _send(client, surface: Surface, values: list[str]):
    """One request with ``values`` spread over the surface's fields."""
    if surface.kind == "path":
        return client.get(surface.url.format(quote(values[0], safe="")))
    data = dict(surface.base)
    data.update(zip(surface.fields, values, strict=False))
    if surface.kind == "query":
        return client.get(surface.url, query_string=data)
    if surface.kind == "json":
        return client.post(surface.url, json=data)
    return client.post(surface.url, data=data)


def _judge(surface: Surface, response, values: list[str], pieces) -> list[str]:
    problems = []
    if response.status_code >= 500:
        problems.append(f"{response.status_code} for {values!r}")
    elif response.mimetype == "text/html":
        leaked = reflected(response.get_data(as_text=True), [p for v in values for p in pieces(v)])
        if leaked:
            problems.append(f"unescaped {leaked!r}")
    elif surface.url.startswith("/api/") and not response.is_json:
        problems.append(f"{response.mimetype} from the API for {values!r}")
    return problems


def _attack(app, site: Site, strings: list[str], pieces=lambda value: [value]) -> tuple[int, dict]:
    """Send every string to every field of every surface (field j of request n gets string
    n + 97 j, so each field meets each string once); return requests sent and problems."""
    clients = {None: app.test_client()}
    clients.update({role: signed_in(app, role) for role in ("editor", "dispatcher", "admin")})
    sent, problems = 0, {}
    for surface in surfaces(app, site):
        if ON_POSTGRES and surface.method == "GET" and surface.kind != "path":
            continue  # reading is the same on both databases; SQLite's run covers it
        client = clients[surface.role]
        for number in range(len(strings)):
            values = [
                strings[(number + 97 * offset) % len(strings)]
                for offset in range(len(surface.fields))
            ]
            response = _send(client, surface, values)
            sent += 1
            found = _judge(surface, response, values, pieces)
            if found:
                problems.setdefault(f"{surface.method} {surface.url}", []).extend(found[:3])
    return sent, problems


@pytest.mark.judge
def test_naughty_strings_in_every_field(make_app):
    app = make_app(**QUIET)
    site = populate(app)
    strings = naughty_strings()
    assert len(strings) >= 480
    sent, problems = _attack(app, site, list(strings))
    print(f"naughty strings: {len(strings)} strings, {sent} requests")
    assert problems == {}


@pytest.mark.judge
@once
def test_xss_payloads_in_every_field(make_app):
    app = make_app(**QUIET)
    site = populate(app)
    payloads = xss_payloads()
    assert len(payloads) >= 4000
    values = packed(payloads, XSS_WIDTH)
    inside = {value: [p for p in payloads if p in value] for value in values}
    sent, problems = _attack(app, site, values, inside.__getitem__)
    print(f"XSS payloads: {len(payloads)} payloads in {len(values)} values, {sent} requests")
    assert problems == {}
