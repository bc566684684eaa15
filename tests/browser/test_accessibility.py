"""axe-core in headless Chromium: every page of the portal, in German and English.

The page lists below name each page once; ``test_every_html_page_is_in_the_lists`` walks the URL
map, so a new page that renders HTML cannot be forgotten here."""

import io
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from portal import audit as audit_log
from portal import tokens
from portal.extensions import db
from portal.models import Role, TokenPurpose, create_user, invite_user
from tests.articles.helpers import publish_article
from tests.helpers.config import once
from tests.helpers.pages import PHONE, WIDE_TABLE
from tests.helpers.staff import PASSWORD

ADMIN = "admin@portal.example"
EDITOR = "editor@portal.example"

CUSTOMER_PAGES = [
    "/{lang}/",
    "/{lang}/kategorie/{category}",
    "/{lang}/artikel/{slug}",
    "/{lang}/suche?q={query}",
    "/{lang}/suche?q=nichtsgefunden",
    "/{lang}/suche?q={query}+Zeitmaschine",
    "/{lang}/suche?q={typo}",
    "/{lang}/suche?q={emergency}",
    "/{lang}/notfall",
    "/{lang}/artikel/gibt-es-nicht",
    "/{lang}/termin",
    "/{lang}/termin/verwalten/{token}",
    "/{lang}/termin/verwalten/{token}/verschieben",
    "/{lang}/rueckruf",
    "/{lang}/rueckruf?thema={emergency}",
    "/{lang}/rueckruf/danke",
    "/staff/login",
    "/staff/login/code",
    "/staff/password/forgot",
    "/staff/password/reset/{reset}",
    "/staff/password/reset/x",
    "/staff/invitation/{invite}",
    "/staff/invitation/x",
]
STAFF_PAGES = [
    "/staff/",
    "/staff/articles/",
    "/staff/articles/new",
    "/staff/articles/1",
    "/staff/articles/1/history",
    "/staff/articles/1/diff?from=1&to=2",
    "/staff/articles/images",
    "/staff/users/",
    "/staff/users/new",
    "/staff/users/1",
    "/staff/account/",
    "/staff/account/password",
    "/staff/account/two-factor",
    "/staff/audit/",
    "/staff/search/",
    "/staff/search/?tage=90&verlauf=90",
    "/staff/search/synonyms",
    "/staff/feedback/",
    "/staff/feedback/1",
    "/staff/termine/",
    "/staff/termine/?tag={day}",
    "/staff/termine/woche",
    "/staff/termine/woche?ab={day}",
    "/staff/termine/{appointment}",
    "/staff/termine/999999",
    "/staff/termine/neu",
    "/staff/termine/neu?vorlage={appointment}",
    "/staff/termine/export.csv?von=gestern",
    "/staff/termine/online-heute",
    "/staff/techniker/",
    "/staff/techniker/neu",
    "/staff/techniker/{technician}",
    "/staff/techniker/{technician}/abwesenheiten",
    "/staff/leistungen/",
    "/staff/leistungen/neu",
    "/staff/leistungen/{service}",
    "/staff/rueckrufe/",
    "/staff/rueckrufe/erledigt",
]
# Pages that answer with an error on purpose; every other page must answer 200.
STATUS = {
    "/{lang}/artikel/gibt-es-nicht": 404,
    "/staff/termine/999999": 404,
    "/staff/termine/export.csv?von=gestern": 400,  # the CSV export's error page is HTML
    "/staff/password/reset/x": 404,  # a used, expired or forged link
    "/staff/invitation/x": 404,
}
# What each of these pages must show, so the check sees the state it is meant to see.
SHOWS = {
    "/{lang}/artikel/{slug}": "#feedback [data-state=ask]:not([hidden])",
    "/{lang}/suche?q={query}": ".result-list li",
    "/{lang}/suche?q=nichtsgefunden": ".no-answer",
    "/{lang}/suche?q={query}+Zeitmaschine": ".result-list-weak li",
    "/{lang}/suche?q={typo}": ".did-you-mean",
    "/{lang}/suche?q={emergency}": ".safety-emergency",
    "/{lang}/termin/verwalten/{token}": ".manage-actions",
    "/{lang}/termin/verwalten/{token}/verschieben": "input[name=slot]",
    "/{lang}/rueckruf?thema={emergency}": ".safety-emergency",
    "/staff/rueckrufe/": "form[action$='/erledigt'] input[name=note]",
    "/staff/rueckrufe/erledigt": "main tbody .comment",
    "/staff/articles/images": ".image-grid img",
    "/staff/termine/?tag={day}": "a[href='/staff/termine/{appointment}']",
    "/staff/termine/woche?ab={day}": "a[href='/staff/termine/{appointment}']",
    "/staff/termine/{appointment}": ".image-grid img",
    "/staff/termine/online-heute": "form[action$='/stornieren'] button",
    "/staff/techniker/{technician}/abwesenheiten": "form[action$='/loeschen']",
    "/staff/password/reset/{reset}": "input[name=confirm]",
    "/staff/invitation/{invite}": "input[name=confirm]",
    "/staff/account/two-factor": "main svg",
    "/staff/audit/": "main tbody tr",
}
# GET routes that do not render a page of their own.
NOT_HTML = {
    "articles.root": "redirects to the visitor's language",
    "articles.image": "an uploaded image",
    "search.click": "counts the click, then redirects to the article",
    "booking.deflect": "counts the deflection, then redirects to the article",
    "i18n.switch": "sets the language, then redirects back",
    "search.api_search": "JSON",
    "search.api_suggest": "JSON",
    "safety.api_triage": "JSON",
    "booking.api_slots": "JSON",
    "booking.api_suggestions": "JSON",
    "api_docs.openapi": "JSON",
    "search.export": "CSV",
    "feedback.export": "CSV",
    "feedback.export_comments": "CSV",
    "dispatch.photo": "a customer's photo",
    "static": "CSS, JavaScript, icons",
}
SAMPLES = {
    "de": {
        "category": "waschmaschinen",
        "slug": "tuer-klemmt",
        "query": "Tür",
        "typo": "verriegeld",
        "emergency": "Gasgeruch",
    },
    "en": {
        "category": "washing-machines",
        "slug": "door-is-stuck",
        "query": "door",
        "typo": "dooor",
        "emergency": "smell of gas",
    },
}


@pytest.fixture
def context(context):
    """Load axe-core (the copy axe_playwright_python bundles) into every page as it opens: one
    script compiled per navigation instead of half a megabyte sent over for each check."""
    context.add_init_script(script=Axe().axe_script)
    return context


def _violations(page: Page) -> list[str]:
    """Every violation axe finds, of any impact, with its rule, targets and suggested fix."""
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}, {v['help']}): "
        + "; ".join(f"{n['target']} {n['failureSummary']!r}" for n in v["nodes"])
        for v in results["violations"]
    ]


class Audit:
    """Runs axe on pages in one browser session and collects its findings by page."""

    def __init__(self, page: Page, base_url: str, values: dict):
        self.page, self.base_url, self.values = page, base_url, values
        self.found: dict[str, list[str]] = {}
        self.count = 0

    def check(self, name: str) -> None:
        expect(self.page.locator("html")).to_have_attribute("lang", self.values["lang"])
        self.count += 1
        violations = _violations(self.page)
        if violations:
            self.found[name] = violations

    def open(self, template: str, status: int | None = None, name: str = "") -> None:
        url = template.format(**self.values)
        response = self.page.goto(self.base_url + url)
        expected = status or STATUS.get(template, 200)
        assert response is not None and response.status == expected, (url, response)
        # No redirect, e.g. to the sign-in page: the page checked is the page named.
        assert urlsplit(self.page.url).path == urlsplit(url).path, (url, self.page.url)
        if template in SHOWS:
            expect(self.page.locator(SHOWS[template].format(**self.values)).first).to_be_attached()
        self.check(name or url)


def _tiny_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def _working_day() -> date:
    """Far enough ahead to book and to move online, and not a public holiday."""
    from booking import scheduling

    day = scheduling.local_today() + timedelta(days=3)
    while scheduling.holidays_between(day, day):
        day += timedelta(days=1)
    return day


def _seed(app) -> dict:
    """Articles with votes, history and an image; staff; a booked visit with a photo, an audit
    trail and its technician's absences. Returns the values the page lists need."""
    from articles import authoring, indexing, promoted, voting
    from articles.images import store_image
    from articles.models import Article, Reason
    from booking import agenda, scheduling
    from booking.models import AbsenceKind, AppointmentPhoto, ServiceType, Status, Technician
    from tests.booking.helpers import add_service, add_technician

    slug = publish_article(app)
    publish_article(app, title="Door is stuck", language="en", category="Washing machines")
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == slug))
        authoring.save(
            article,
            authoring.Content(
                title="Tür klemmt",
                body="Neu",
                language="de",
                category="Waschmaschinen/Probleme lösen",
            ),
            None,
        )
        admin = create_user(ADMIN, "Admin", Role.ADMIN, PASSWORD)
        editor = create_user(EDITOR, "Editor", Role.EDITOR, PASSWORD)
        invited = invite_user("neu@portal.example", "Nina Neu", Role.DISPATCHER)
        db.session.flush()
        links = {
            "invite": tokens.issue(invited, TokenPurpose.INVITATION),
            "reset": tokens.issue(editor, TokenPurpose.PASSWORD_RESET),
        }
        audit_log.record(admin, "account.invited", invited.email)
        db.session.commit()
        for number, reason in enumerate(Reason):
            ballot = voting.Ballot(False, reason, f"Kommentar {number}")
            voting.cast(article, f"visitor-{number}", f"address-{number}", ballot, "tür")
        voting.cast(article, "visitor-yes", "address-yes", voting.Ballot(True))
        voting.resolve(admin, article, 1)
        indexing.rebuild(app)
        promoted.pin("Tür", slug, admin)
        store_image(
            _tiny_png(),
            "typenschild.png",
            admin,
            app.config["MAX_IMAGE_BYTES"],
            app.config["MAX_IMAGE_PIXELS"],
        )

        service_id = add_service()
        add_technician("Jens Albers", service_id)
        add_technician("Anna Berg", service_id)
        day = _working_day()
        customer = scheduling.Customer(
            name="Erika Mustermann",
            email="erika@example.org",
            phone="040 1234567",
            street="Hauptstraße 1",
            postcode="20095",
            city="Hamburg",
            device_type="Waschmaschine",
            brand="Bosch",
            model="Serie 6",
            problem="Die Tür klemmt, Anzeige E18.",
        )
        appointment = scheduling.book(
            db.session.get(ServiceType, service_id), customer, day, 0, network="0f" * 16
        )
        agenda.change_status(appointment, Status.CONFIRMED, admin, "Telefonisch bestätigt")
        db.session.add(
            AppointmentPhoto(
                appointment_id=appointment.id,
                content_type="image/png",
                data=_tiny_png(),
                width=64,
                height=48,
            )
        )
        db.session.commit()
        technician = db.session.get(Technician, appointment.technician_id)
        now = datetime.now(UTC).replace(microsecond=0)
        agenda.add_absence(
            technician,
            AbsenceKind.VACATION,
            now + timedelta(days=10),
            now + timedelta(days=12),
            "Urlaub",
        )
        agenda.add_absence(
            technician, AbsenceKind.SICK, now - timedelta(days=9), now - timedelta(days=8), ""
        )
        _seed_callbacks(admin)
        return {
            "day": day.isoformat(),
            "appointment": appointment.id,
            "technician": technician.id,
            "service": service_id,
            "token": scheduling.manage_token(appointment),
            **links,
        }


def _seed_callbacks(admin) -> None:
    """One callback request still to call, an urgent one, and one done with a note."""
    from booking.callbacks import requests
    from booking.callbacks.models import PartOfDay

    for topic, part in (
        ("Waschmaschine pumpt nicht ab", PartOfDay.MORNING),
        ("Heizung aus, nur 15 Grad in der Wohnung", PartOfDay.ANY),
        ("Trockner quietscht", PartOfDay.AFTERNOON),
    ):
        callback = requests.take(
            requests.Request("Erika Mustermann", "040 1234567", topic, part, "erika@example.org"),
            "de",
        )
    requests.close(callback.id, admin, "Kundin erreicht")


def _sign_in(page: Page, base_url: str, lang: str, email: str) -> None:
    page.goto(f"{base_url}/sprache/{lang}?next=/staff/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/staff/")


def _vote_box(audit: Audit, lang: str) -> None:
    """The vote box in each state it reaches with JavaScript: yes, the reasons form, the form
    sent without a reason, and the thanks after sending feedback."""
    page = audit.page
    article = f"/{lang}/artikel/{audit.values['slug']}"
    page.goto(audit.base_url + article)
    box = page.locator("#feedback")
    box.locator(".vote-buttons button[value=yes]").click()
    expect(box.locator("[data-state=yes]")).to_be_visible()
    audit.check(f"{article} (vote: after yes)")
    box.locator("[data-state=yes] button[value=no]").click()
    expect(box.locator("[data-state=reason]")).to_be_visible()
    audit.check(f"{article} (vote: after no, the reasons form)")
    box.locator(".vote-reason button[type=submit]").click()
    expect(box.locator(".vote-status")).not_to_be_empty()
    audit.check(f"{article} (vote: reasons form sent empty)")
    box.locator(".vote-reason input[name=reason]").first.check()
    box.locator(".vote-reason textarea").fill("Es riecht immer noch nach Gas")
    expect(box.locator("[data-triage-for] .number")).to_be_visible()
    audit.check(f"{article} (vote: a comment that says danger)")
    box.locator(".vote-reason button[type=submit]").click()
    expect(box.locator("[data-state=no]")).to_be_visible()
    audit.check(f"{article} (vote: after sending feedback)")
    page.reload()
    expect(box.locator("[data-state=no] .safety-emergency")).to_be_visible()
    audit.check(f"{article} (vote: the feedback, answered with what to do)")


def _forged_form(audit: Audit, lang: str) -> None:
    """A form sent with a forged CSRF token: the app answers 400 with its error page."""
    page = audit.page
    page.goto(f"{audit.base_url}/{lang}/termin")
    page.locator("input[name=csrf_token]").evaluate("input => { input.value = 'forged'; }")
    page.locator("#postcode").fill("20095")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator(".form-actions .button").first.click()
    assert answer.value.status == 400
    expect(page.locator(".error-page .error-code")).to_contain_text("400")
    audit.check(f"/{lang}/termin (400: forged CSRF token)")


def _callback_form(audit: Audit, lang: str) -> None:
    """The callback form sent empty, and an emergency typed into it."""
    page = audit.page
    page.goto(f"{audit.base_url}/{lang}/rueckruf")
    page.locator(".form-actions .button").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check(f"/{lang}/rueckruf (sent empty)")
    page.locator("#topic").fill("Es riecht nach Gas im Keller")
    expect(page.locator("[data-triage-for] .number")).to_be_visible()
    audit.check(f"/{lang}/rueckruf (an emergency typed)")


def _staff_forms(audit: Audit) -> None:
    """Dispatcher and editor forms in the states they reach after sending."""
    page = audit.page
    audit.page.goto(f"{audit.base_url}/staff/termine/neu")
    page.locator("#service").select_option(str(audit.values["service"]))
    page.locator("#postcode").fill("20095")
    page.locator("#day").fill(audit.values["day"])
    page.locator("button[value=windows]").click()
    expect(page.locator("#window option")).not_to_have_count(0)
    audit.check("/staff/termine/neu (free windows shown)")
    page.locator("button[value=book]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("/staff/termine/neu (sent without the customer)")
    page.locator("#problem").fill("Der Kunde riecht Gas im Keller")
    expect(page.locator("[data-triage-for] .number")).to_be_visible()
    audit.check("/staff/termine/neu (an emergency typed)")
    page.locator("button[value=windows]").click()
    expect(page.locator("section.safety-emergency")).to_be_visible()
    audit.check("/staff/termine/neu (an emergency sent)")
    for url in (
        "/staff/techniker/neu",
        "/staff/techniker/{technician}/abwesenheiten",
        "/staff/leistungen/neu",
        "/staff/articles/new",
        "/staff/users/new",
        "/staff/account/password",
    ):
        page.goto(audit.base_url + url.format(**audit.values))
        page.locator("main form[method=post]:not(.inline-form) button[type=submit]").last.click()
        expect(page.locator(".error-summary")).to_be_visible()
        audit.check(f"{url.format(**audit.values)} (sent empty)")


@pytest.mark.browser
@once
@pytest.mark.parametrize("lang", ["de", "en"])
def test_pages_have_no_axe_violations(live_server, page: Page, lang):
    base_url, app = live_server
    audit = Audit(page, base_url, {"lang": lang, **SAMPLES[lang], **_seed(app)})

    # As a customer, who is not signed in.
    page.goto(f"{base_url}/sprache/{lang}?next=/{lang}/")
    for template in CUSTOMER_PAGES:
        audit.open(template)
    _vote_box(audit, lang)
    _forged_form(audit, lang)
    _callback_form(audit, lang)

    # An editor on a dispatcher's page.
    _sign_in(page, base_url, lang, EDITOR)
    audit.open("/staff/termine/", status=403, name="/staff/termine/ (403: as an editor)")
    page.context.clear_cookies()

    # An administrator sees every staff page.
    _sign_in(page, base_url, lang, ADMIN)
    for template in STAFF_PAGES:
        audit.open(template)
    _staff_forms(audit)

    assert audit.found == {}
    # The lists, plus the vote box (6), the forged form, the callback form (2), the 403 and
    # the forms sent (10).
    assert audit.count == len(CUSTOMER_PAGES) + len(STAFF_PAGES) + 20


@pytest.mark.browser
@once
@pytest.mark.parametrize("lang", ["de", "en"])
def test_booking_pages_have_no_axe_violations(live_server, page: Page, lang):
    from tests.booking.helpers import CUSTOMER, add_service, add_technician

    base_url, app = live_server
    app.config["HEATING_MONTHS"] = frozenset(range(1, 13))  # no heating is urgent all year
    with app.app_context():
        add_technician("Jens Albers", add_service())
    found = {}

    def check(name):
        violations = _violations(page)
        if violations:
            found[name] = violations

    page.goto(f"{base_url}/{lang}/termin")
    check("step 1")
    page.locator("#postcode").fill("99999")
    page.locator(".form-actions .button").first.click()
    check("step 1, postcode not covered")
    page.locator("#postcode").fill("20095")
    page.locator(".form-actions .button").first.click()
    check("step 2")
    page.locator("#device_type").fill("Waschmaschine")
    page.locator("#problem").fill("Es riecht nach Gas")
    expect(page.locator("[data-triage-for] .number")).to_be_visible()
    check("step 2, an emergency typed")
    page.locator(".form-actions .button").first.click()
    expect(page.locator("section.safety-emergency")).to_be_visible()
    check("step 2, an emergency sent")
    page.locator("#problem").fill("Heizung ausgefallen, nur noch 15 Grad in der Wohnung")
    page.locator(".form-actions .button").first.click()
    expect(page.locator("section.safety-urgent")).to_be_visible()
    check("step 3, no heating")
    page.locator("input[name=slot]").first.check()
    page.locator(".form-actions .button").first.click()
    check("step 4")
    page.locator(".form-actions .button").first.click()
    check("step 4 with errors")
    for name in ("name", "email", "phone", "street", "city"):
        page.locator(f"#{name}").fill(CUSTOMER[name])
    page.locator("#consent").check()
    page.locator(".form-actions .button").first.click()
    check("manage page")
    page.locator(".manage-actions a.button").click()
    check("reschedule page")
    assert found == {}


@pytest.mark.browser
@once
def test_an_article_with_a_wide_table_on_a_phone_has_no_axe_violations(live_server, page: Page):

    base_url, app = live_server
    slug = publish_article(app, title="Wartungsprotokoll lesen", body=WIDE_TABLE)
    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}/de/artikel/{slug}")
    expect(page.locator(".article-body table")).to_have_attribute("tabindex", "0")
    assert _violations(page) == []
    page.locator(".toc summary").click()
    expect(page.locator(".toc details")).to_have_attribute("open", "")
    assert _violations(page) == []


def _endpoint(adapter, url: str) -> str:
    parts = urlsplit(url)
    try:
        endpoint, _ = adapter.match(parts.path, method="GET", query_args=parts.query)
    except HTTPException as error:  # a typo in the lists
        raise AssertionError(f"{url} is no page of the portal: {error}") from error
    return endpoint


def test_every_html_page_is_in_the_lists(app):
    """Each GET route renders a page checked above, or is named in NOT_HTML with the reason."""
    adapter = app.url_map.bind("localhost")
    values = {
        "day": "2030-01-07",
        "appointment": 1,
        "technician": 1,
        "service": 1,
        "token": "x",
        "reset": "x",
        "invite": "x",
    }
    checked = {
        _endpoint(adapter, template.format(lang=lang, **SAMPLES[lang], **values))
        for lang in SAMPLES
        for template in CUSTOMER_PAGES + STAFF_PAGES
    }
    get_routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert set(NOT_HTML) <= get_routes, "NOT_HTML names a route that no longer exists"
    assert set(STATUS) <= set(CUSTOMER_PAGES + STAFF_PAGES)
    assert set(SHOWS) <= set(CUSTOMER_PAGES + STAFF_PAGES)
    assert sorted(get_routes - set(NOT_HTML) - checked) == [], "pages missing from the lists"
