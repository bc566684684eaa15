"""A portal with something on every page: staff of every role, articles in both languages with
a revision history, votes with feedback, service types, technicians and an appointment."""

import io
from dataclasses import dataclass
from datetime import timedelta

from PIL import Image
from sqlalchemy import select

from articles import authoring, indexing, promoted, voting
from articles.models import Article, Reason
from booking import scheduling
from booking.callbacks import requests
from booking.callbacks.models import PartOfDay
from booking.models import Absence, AbsenceKind, AppointmentPhoto, ServiceType, Technician
from portal.extensions import db
from portal.models import Role, create_user, user_by_email
from tests.articles.helpers import publish_article
from tests.booking.helpers import add_service, add_technician, form_data, in_days
from tests.helpers.staff import PASSWORD, login


@dataclass
class Site:
    article_id: int
    slug_de: str
    slug_en: str
    appointment_id: int
    manage_token: str
    technician_id: int
    service_id: int
    absence_id: int


def populate(app) -> Site:
    slug_de = publish_article(app, tags=["tür", "e18"])
    slug_en = publish_article(
        app, title="Door is stuck", language="en", category="Washing machines", tags=["door"]
    )
    with app.app_context():
        for role in Role:
            create_user(f"{role.value}@portal.example", role.value.title(), role, PASSWORD)
        article = db.session.scalar(select(Article).where(Article.slug == slug_de))
        authoring.save(
            article,
            authoring.Content(
                title="Tür klemmt",
                body="## Ursache\n\nDie Tür ist verriegelt.\n\n## Lösung\n\nZwei Minuten warten.",
                language="de",
                category="Waschmaschinen/Probleme lösen",
            ),
            None,
            message="Lösung ergänzt",
        )
        authoring.publish(article)
        db.session.commit()
        promoted.pin("Tür", slug_de, None)
        ballot = voting.Ballot(False, Reason.UNCLEAR, "Welche Tür?")
        voting.cast(article, "visitor-1", "address-1", ballot, "tür klemmt")
        voting.cast(article, "visitor-2", "address-2", voting.Ballot(True))
        service_id = add_service()
        technician_id = add_technician("Jens Albers", service_id)
        add_technician("Aylin Demir", service_id)
        service = db.session.get(ServiceType, service_id)
        customer = scheduling.Customer(
            "Erika Mustermann",
            "erika@example.org",
            "040 1234567",
            "Hauptstraße 1",
            "20095",
            "Hamburg",
            "Waschmaschine",
            "Bosch",
            "Serie 6",
            problem="Tür klemmt, E18",
        )
        appointment = scheduling.book(service, customer, in_days(3), 0, network="0f" * 16)
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), "blue").save(buffer, format="PNG")
        appointment.photos.append(
            AppointmentPhoto(content_type="image/png", data=buffer.getvalue(), width=8, height=8)
        )
        start, end = (scheduling.utcnow() + timedelta(days=d) for d in (10, 11))
        absence = Absence(
            technician_id=technician_id, kind=AbsenceKind.VACATION, starts_at=start, ends_at=end
        )
        db.session.add(absence)
        db.session.commit()
        _callbacks()
        indexing.rebuild(app)
        return Site(
            article_id=article.id,
            slug_de=slug_de,
            slug_en=slug_en,
            appointment_id=appointment.id,
            manage_token=scheduling.manage_token(appointment),
            technician_id=db.session.get(Technician, technician_id).id,
            service_id=service_id,
            absence_id=absence.id,
        )


def _callbacks() -> None:
    """An open callback request and one marked as done."""
    dispatcher = user_by_email("dispatcher@portal.example")
    for topic in ("Trockner quietscht", "Spülmaschine zeigt E24"):
        callback = requests.take(
            requests.Request("Erika Mustermann", "040 1234567", topic, PartOfDay.MORNING), "de"
        )
    requests.close(callback.id, dispatcher, "Kundin erreicht")


def signed_in(app, role: str, language: str = "de"):
    client = app.test_client()
    client.set_cookie("lang", language)
    login(client, f"{role}@portal.example")
    return client


def customer_pages(site: Site, lang: str) -> list[tuple[str, str, dict | None]]:
    """(name, url, form data to post or None) for every customer page."""
    slug = site.slug_de if lang == "de" else site.slug_en
    booking = form_data(site.service_id, in_days(4), 1)
    step = {n: {**booking, "step": str(n)} for n in (1, 2, 3)}
    callback = {"name": "Erika Mustermann", "phone": "040 1234567", "preferred_time": "any"}
    return [
        ("home", f"/{lang}/", None),
        (
            "category",
            f"/{lang}/kategorie/{'waschmaschinen' if lang == 'de' else 'washing-machines'}",
            None,
        ),
        ("article", f"/{lang}/artikel/{slug}", None),
        ("search", f"/{lang}/suche?q={'tür' if lang == 'de' else 'door'}", None),
        ("search, nothing", f"/{lang}/suche?q=nichtsdergleichen", None),
        ("search, weak", f"/{lang}/suche?q={'tür' if lang == 'de' else 'door'}+zeitmaschine", None),
        ("search, did you mean", f"/{lang}/suche?q={'tüür' if lang == 'de' else 'dooor'}", None),
        (
            "search, emergency",
            f"/{lang}/suche?q={'Gasgeruch' if lang == 'de' else 'smell of gas'}",
            None,
        ),
        ("emergency page", f"/{lang}/notfall", None),
        ("not found", f"/{lang}/artikel/gibt-es-nicht", None),
        ("booking 1", f"/{lang}/termin", None),
        ("booking 1, not covered", f"/{lang}/termin", {**step[1], "postcode": "99999"}),
        ("booking 2", f"/{lang}/termin", step[1]),
        ("booking 3", f"/{lang}/termin", step[2]),
        ("booking 2, emergency", f"/{lang}/termin", {**step[2], "problem": "Gasgeruch"}),
        ("booking 3, no heating", f"/{lang}/termin", {**step[2], "problem": "Heizung ausgefallen"}),
        ("booking 4", f"/{lang}/termin", step[3]),
        ("booking 4, errors", f"/{lang}/termin/buchen", {**booking, "email": "x", "consent": ""}),
        ("manage", f"/{lang}/termin/verwalten/{site.manage_token}", None),
        ("move", f"/{lang}/termin/verwalten/{site.manage_token}/verschieben", None),
        ("callback", f"/{lang}/rueckruf", None),
        ("callback, emergency", f"/{lang}/rueckruf?thema=Gasgeruch", None),
        ("callback, errors", f"/{lang}/rueckruf", {"name": "", "phone": "12", "topic": "Tür"}),
        ("callback, emergency sent", f"/{lang}/rueckruf", {**callback, "topic": "Gasgeruch"}),
        ("callback sent", f"/{lang}/rueckruf/danke", None),
        ("staff login", "/staff/login", None),
        ("staff login, code step expired", "/staff/login/code", None),
        ("forgot password", "/staff/password/forgot", None),
        ("forgot password, errors", "/staff/password/forgot", {"email": ""}),
        ("reset link, no longer valid", "/staff/password/reset/x", None),
        ("invitation link, no longer valid", "/staff/invitation/x", None),
    ]


def staff_pages(site: Site) -> list[tuple[str, str, str]]:
    """(name, url, role) for every staff page."""
    article, appointment, technician = site.article_id, site.appointment_id, site.technician_id
    return [
        ("staff home", "/staff/", "admin"),
        ("articles", "/staff/articles/", "editor"),
        ("new article", "/staff/articles/new", "editor"),
        ("editor", f"/staff/articles/{article}", "editor"),
        ("history", f"/staff/articles/{article}/history", "editor"),
        ("diff", f"/staff/articles/{article}/diff?from=1&to=2", "editor"),
        ("images", "/staff/articles/images", "editor"),
        ("search analytics", "/staff/search/", "editor"),
        ("search analytics, 90 days", "/staff/search/?tage=90&verlauf=90", "editor"),
        ("synonyms", "/staff/search/synonyms", "editor"),
        ("feedback", "/staff/feedback/", "editor"),
        ("feedback article", f"/staff/feedback/{article}", "editor"),
        ("accounts", "/staff/users/", "admin"),
        ("new account", "/staff/users/new", "admin"),
        ("account", "/staff/users/1", "admin"),
        ("forbidden", "/staff/users/", "editor"),
        ("day", "/staff/termine/", "dispatcher"),
        ("day with appointment", f"/staff/termine/?tag={in_days(3)}", "dispatcher"),
        ("week", f"/staff/termine/woche?ab={in_days(3)}", "dispatcher"),
        ("appointment", f"/staff/termine/{appointment}", "dispatcher"),
        ("phone booking", "/staff/termine/neu", "dispatcher"),
        ("online bookings today", "/staff/termine/online-heute", "dispatcher"),
        ("technicians", "/staff/techniker/", "dispatcher"),
        ("new technician", "/staff/techniker/neu", "dispatcher"),
        ("technician", f"/staff/techniker/{technician}", "dispatcher"),
        ("absences", f"/staff/techniker/{technician}/abwesenheiten", "dispatcher"),
        ("services", "/staff/leistungen/", "dispatcher"),
        ("new service", "/staff/leistungen/neu", "dispatcher"),
        ("service", f"/staff/leistungen/{site.service_id}", "dispatcher"),
        ("callbacks", "/staff/rueckrufe/", "dispatcher"),
        ("callbacks done", "/staff/rueckrufe/erledigt", "dispatcher"),
        ("my account", "/staff/account/", "editor"),
        ("change password", "/staff/account/password", "editor"),
        ("two-factor setup", "/staff/account/two-factor", "editor"),
        ("audit log", "/staff/audit/", "admin"),
    ]
