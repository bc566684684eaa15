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
from tests.booking.helpers import add_service, add_technician, in_days
from tests.conftest import PASSWORD, login


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
