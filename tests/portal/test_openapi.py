"""The JSON API keeps the contract in portal/openapi.json: every API route is described there,
and schemathesis holds the answers to generated and hand-picked requests against it."""

import json
import re
from collections import Counter

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    missing_required_header,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from articles import indexing
from portal.api_docs import DOCUMENT
from tests.articles.helpers import publish_article
from tests.booking.helpers import add_service, add_technician, in_days
from tests.helpers.pages import csrf_token

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    unsupported_method,
    missing_required_header,
]
# A fixed seed keeps the suite repeatable. A vote without its CSRF header must get 400.
CONFIG = schemathesis.Config.from_dict(
    {"seed": 20260601, "checks": {"missing_required_header": {"expected-statuses": [400]}}}
)
# Loaded from the file rather than through schemathesis.pytest.from_fixture, whose lazy loading
# fails on pytest 9.2 (it sets Node._nodeid, which pytest no longer has).
schema = schemathesis.openapi.from_path(DOCUMENT, config=CONFIG)
VOTE = schema["/api/articles/{lang}/{slug}/vote"]["POST"]
ARTICLE = {"lang": "de", "slug": "flusensieb-reinigen"}
GENERATED: Counter[str] = Counter()


def _api_rules(app) -> set[tuple[str, str]]:
    """(method, OpenAPI path) of every API route; HEAD and OPTIONS are Flask's own."""
    return {
        (method, re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_the_document_is_served_and_valid(app):
    answer = app.test_client().get("/api/openapi.json")
    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    assert answer.json == json.loads(DOCUMENT.read_text())
    served = schemathesis.openapi.from_dict(answer.json)
    served.validate()
    assert [result.err() for result in served.get_all_operations() if isinstance(result, Err)] == []


def test_every_api_route_is_documented_and_nothing_else(app):
    documented = {
        (method.upper(), path)
        for path, item in json.loads(DOCUMENT.read_text())["paths"].items()
        for method in item
    }
    assert documented == _api_rules(app)


def _session_and_token(app) -> tuple[dict, str]:
    """Session cookie and CSRF token of a visitor who opened the article, as vote.js sends them."""
    client = app.test_client()
    page = client.get(f"/de/artikel/{ARTICLE['slug']}")
    return {"session": client.get_cookie("session").value}, csrf_token(page.text)


@pytest.fixture
def api_app(make_app):
    """A portal with articles in both languages, a search index, and a technician in Hamburg;
    votes need their CSRF token, and their rate limits are out of the fuzzer's way."""
    app = make_app(
        WTF_CSRF_ENABLED=True,
        VOTE_RATE_LIMIT="10000 per minute",
        VOTE_VISITOR_RATE_LIMIT="10000 per minute",
        # schemathesis asks for gzip and br as requests does, but its WSGI transport does not
        # decode them; compressed answers are checked in tests/portal/test_assets.py.
        COMPRESS_REGISTER=False,
    )
    publish_article(
        app,
        title="Flusensieb der Waschmaschine reinigen",
        slug=ARTICLE["slug"],
        category="Waschmaschinen/Pflege und Wartung",
        body="## Wie oft?\n\nDas Flusensieb hält Flusen von der Laugenpumpe fern, Fehler E18.",
        tags=["flusensieb", "e18"],
    )
    publish_article(
        app,
        title="Clean the pump filter",
        slug="clean-the-pump-filter",
        language="en",
        category="Washing machines",
        body="## Steps\n\nThe pump filter keeps lint away from the drain pump.",
        tags=["filter"],
    )
    with app.app_context():
        indexing.rebuild(app)
        add_technician("Jens Albers", add_service(), prefixes="20")
    return app


@pytest.fixture
def voter(api_app):
    return _session_and_token(api_app)


@pytest.fixture(scope="module", autouse=True)
def _report_generated():
    yield
    if GENERATED:
        counts = ", ".join(f"{label}: {count}" for label, count in sorted(GENERATED.items()))
        print(f"\nschemathesis generated {GENERATED.total()} test cases ({counts})")


@schema.parametrize()
@hypothesis.settings(
    max_examples=30,
    deadline=None,
    database=None,  # no .hypothesis folder in the checkout
    # One portal serves all examples of an operation on purpose; a busy machine is no failure.
    suppress_health_check=[
        hypothesis.HealthCheck.function_scoped_fixture,
        hypothesis.HealthCheck.too_slow,
    ],
)
def test_the_api_answers_as_documented(case, api_app, voter):
    """Votes go twice: as generated (without a valid token, so 400), and with the session's
    token, so that the body, the article lookup and the stored vote are fuzzed too."""
    GENERATED[case.operation.label] += 1
    case.call_and_validate(app=api_app, checks=CHECKS)
    if case.operation.label == VOTE.label:
        cookies, token = voter
        case.call_and_validate(
            app=api_app,
            checks=CHECKS,
            excluded_checks=[missing_required_header],
            headers={"X-CSRFToken": token},
            cookies=cookies,
        )


def _query(path: str, **query):
    return schema[path]["GET"].Case(query=query)


def _vote(token: str, body: dict):
    return VOTE.Case(path_parameters=ARTICLE, headers={"X-CSRFToken": token}, body=body)


def test_known_good_requests_get_real_answers(api_app, voter):
    """The fuzzer rarely finds the data; these requests do, and their answers are checked too."""
    cookies, token = voter
    week = {"from": str(in_days(2)), "to": str(in_days(9))}  # not all of it holidays
    for case, listed in (
        (_query("/api/search", q="Flusensieb", category="waschmaschinen"), "results"),
        (_query("/api/search", q="flusensib"), "results"),  # with a suggestion
        (_query("/api/search", q="lint", lang="de"), "results"),  # answered in English
        (_query("/api/suggest", q="flusen"), None),
        (_query("/api/booking/suggestions", q="Flusensieb E18", service=1), None),
        (_query("/api/booking/slots", service=1, postcode="20095", **week), "slots"),
    ):
        answer = case.call_and_validate(app=api_app, checks=CHECKS).json()
        assert answer[listed] if listed else answer, case.path
    for ballot in ({"vote": "no", "reason": "unclear", "comment": " Zu knapp. "}, {"vote": "yes"}):
        answer = _vote(token, ballot).call_and_validate(app=api_app, checks=CHECKS, cookies=cookies)
        assert answer.status_code == 200
    assert answer.json() == {"vote": "yes", "reason": None, "comment": None}


def test_inputs_that_once_broke_the_api_get_documented_answers(api_app, voter, subtests):
    """Each of these answered 500, or a postcode the document does not allow."""
    cookies, token = voter
    slots = {"service": 1, "postcode": "20095", "from": "2026-03-02", "to": "2026-03-03"}
    cases = {
        "a page number of a digit int() cannot read": _query("/api/search", q="Sieb", page="²"),
        "a service id beyond any database integer": _query(
            "/api/booking/slots", **{**slots, "service": 10**20}
        ),
        "the first day there is": _query(
            "/api/booking/slots", **{**slots, "from": "0001-01-01", "to": "0001-01-02"}
        ),
        "the last day there is": _query(
            "/api/booking/slots", **{**slots, "from": "9999-12-30", "to": "9999-12-31"}
        ),
        "a postcode of non-ASCII digits": _query(
            "/api/booking/slots", **{**slots, "postcode": "２００９５"}
        ),
        "a comment with an unpaired surrogate": _vote(token, {"vote": "no", "comment": "\ud800"}),
    }
    for what, case in cases.items():
        with subtests.test(what):
            case.call_and_validate(app=api_app, checks=CHECKS, cookies=cookies)


def test_votes_over_the_rate_limit_answer_as_documented(make_app):
    app = make_app(WTF_CSRF_ENABLED=True, VOTE_RATE_LIMIT="1 per minute")
    publish_article(app, slug=ARTICLE["slug"])
    cookies, token = _session_and_token(app)
    case = _vote(token, {"vote": "yes"})
    answers = [case.call_and_validate(app=app, checks=CHECKS, cookies=cookies) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [200, 429]
