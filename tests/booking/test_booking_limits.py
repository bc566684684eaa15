"""One client cannot fill a service area's calendar: open online bookings per e-mail address,
phone number and visit address are capped, rate limits count an IPv6 client's whole /64, and
what a customer types never reaches the subject of a message we send. A booking is written
only when everything in it passed its checks."""

import io
import multiprocessing
import random
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from booking import scheduling
from booking.models import Appointment
from portal.extensions import db
from portal.mail import outbox_folder, read_outbox
from tests.booking import crowd
from tests.booking.helpers import add_service, add_technician, form_data, in_days
from tests.helpers.config import GENEROUS_LIMITS
from tests.helpers.staff import login

LIMIT = 3


@pytest.fixture
def site(make_app):
    app = make_app(**GENEROUS_LIMITS, BOOKING_OPEN_PER_CUSTOMER=LIMIT)
    with app.app_context():
        app.service_id = add_service()
        add_technician("Jens Albers", app.service_id)
        add_technician("Aylin Demir", app.service_id)
    return app


def _book(app, number: int, **changes):
    data = form_data(app.service_id, in_days(3 + number // 4), number % 4, **changes)
    return app.test_client().post("/de/termin/buchen", data=data)


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Appointment))


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "ERIKA@Example.org", "phone": "0171 2345678", "street": "Am Hang 2"},
        {"email": "other@example.org", "phone": "+49 40 1234567", "street": "Am Hang 2"},
        {"email": "other@example.org", "phone": "0171 2345678", "street": "Hauptstr. 1"},
    ],
    ids=["e-mail", "phone", "address"],
)
def test_a_customer_with_three_open_bookings_is_asked_to_call(site, changes):
    for number in range(LIMIT):
        assert _book(site, number).status_code == 303
    refused = _book(site, LIMIT, **changes)
    assert refused.status_code == 409
    assert "Sie haben bereits 3 offene Termine bei uns" in refused.text
    assert 'value="Erika Mustermann"' in refused.text  # what was typed is kept
    assert _count(site) == LIMIT


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "erika+termin@example.org"},
        {"email": "\uff45\uff52\uff49\uff4b\uff41@example.org"},  # full-width letters
        {"email": "erik\u0430@example.org"},  # a Cyrillic a
        {"phone": "\uff10\uff14\uff10 \uff11\uff12\uff13\uff14\uff15\uff16\uff17"},
        {"street": "Hauptstrasse 01"},
        {"street": "Hauptstr. \uff11"},
        {"street": "H\u0430uptstra\u00dfe 1"},  # a Cyrillic a
    ],
    ids=["plus-tag", "full-width", "cyrillic", "full-width-phone", "ss-zero", "str-fw", "cyr-st"],
)
def test_spelling_does_not_make_a_new_customer(site, changes):
    """Every identity of a fourth booking differs from the first three's but in spelling."""
    other = {"email": "other@example.org", "phone": "0171 2345678", "street": "Am Hang 2"}
    first = {"email": "erika@example.org", "phone": "040 1234567", "street": "Hauptstraße 1"}
    for number in range(LIMIT):
        assert _book(site, number, **first).status_code == 303
    refused = _book(site, LIMIT, **{**other, **changes})
    assert refused.status_code == 409, changes
    assert _count(site) == LIMIT


def test_dots_count_where_the_provider_ignores_them(site):
    for number in range(LIMIT):
        assert _book(site, number, email="erika.mustermann@gmail.com").status_code == 303
    assert _book(site, LIMIT, email="erikamustermann@googlemail.com").status_code == 409
    assert scheduling.email_key("e.rika@example.org") != scheduling.email_key("erika@example.org")


def test_a_cancelled_booking_no_longer_counts(site):
    for number in range(LIMIT):
        _book(site, number)
    with site.app_context():
        scheduling.cancel(db.session.scalar(select(Appointment)))
    assert _book(site, LIMIT).status_code == 303


def test_simultaneous_bookings_of_one_customer_stop_at_the_cap(site):
    server_config = {
        **GENEROUS_LIMITS,
        "BOOKING_OPEN_PER_CUSTOMER": LIMIT,
        "INSTANCE_PATH": site.instance_path,
        "SQLALCHEMY_DATABASE_URI": site.config["SQLALCHEMY_DATABASE_URI"],
        "WTF_CSRF_ENABLED": False,
    }
    spawn = multiprocessing.get_context("spawn")
    ports, results, start = spawn.Queue(), spawn.Queue(), spawn.Barrier(8)
    servers = [spawn.Process(target=crowd.serve, args=(server_config, ports)) for _ in range(3)]
    for server in servers:
        server.start()
    try:
        urls = [f"http://127.0.0.1:{ports.get(timeout=60)}/de/termin/buchen" for _ in servers]
        customers = [
            spawn.Process(
                target=crowd.customer,
                args=(
                    urls[n % 3],
                    form_data(site.service_id, in_days(3 + n // 4), n % 4),
                    start,
                    results,
                ),
            )
            for n in range(8)
        ]
        for process in customers:
            process.start()
        for process in customers:
            process.join(timeout=120)
        codes = sorted(results.get(timeout=5) for _ in customers)
    finally:
        for server in servers:
            server.terminate()
            server.join()
    assert codes == [303] * LIMIT + [409] * (8 - LIMIT)
    assert _count(site) == LIMIT


def test_booking_limits_count_an_ipv6_clients_whole_64(make_app):
    app = make_app(BOOKING_RATE_LIMIT="2 per hour", BOOKING_OPEN_PER_CUSTOMER=100)
    with app.app_context():
        service = add_service()
        add_technician("Jens Albers", service)
    codes = []
    for host in range(1, 4):
        data = form_data(service, in_days(3), host, email=f"k{host}@example.org")
        address = {"REMOTE_ADDR": f"2001:db8:7:9::{host}"}
        codes.append(app.test_client().post("/de/termin/buchen", data=data, environ_base=address))
    assert [answer.status_code for answer in codes] == [303, 303, 429]


def test_what_a_customer_types_never_reaches_the_subject(site):
    typed = "Gewinn! Klicken Sie hier http://evil.example"
    answer = _book(site, 0, name=typed, problem=typed, city=typed, street=typed)
    assert answer.status_code == 303
    [message] = read_outbox(outbox_folder(site))
    assert message["Subject"].startswith("Ihre Terminanfrage")
    assert "evil" not in message["Subject"] and "Gewinn" not in message["Subject"]


def _noisy_jpeg(quality: int) -> bytes:
    rng = random.Random(7)
    image = Image.frombytes("RGB", (400, 400), bytes(rng.randrange(256) for _ in range(480000)))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def test_a_photo_that_grows_when_re_encoded_is_refused_before_anything_is_booked(make_app):
    small = _noisy_jpeg(5)
    app = make_app(**GENEROUS_LIMITS, MAX_IMAGE_BYTES=len(small) + 1000)
    with app.app_context():
        service = add_service()
        add_technician("Jens Albers", service)
    data = form_data(service, in_days(3))
    data["photos"] = [(io.BytesIO(small), "typenschild.jpg")]
    answer = app.test_client().post(
        "/de/termin/buchen", data=data, content_type="multipart/form-data"
    )
    assert answer.status_code == 400
    assert "Ein Foto ist größer als" in answer.text
    assert _count(app) == 0
    data["photos"] = []
    assert app.test_client().post("/de/termin/buchen", data=data).status_code == 303


def _made_up(app, number: int, address: str):
    """A booking under a made-up identity from ``address``."""
    data = form_data(
        app.service_id,
        in_days(3 + number // 4),
        number % 4,
        name=f"Kunde {number}",
        email=f"kunde{number}@example.org",
        phone=f"0171 23456{number:02d}",
        street=f"Weg {number + 1}",
    )
    return app.test_client().post(
        "/de/termin/buchen", data=data, environ_base={"REMOTE_ADDR": address}
    )


@pytest.fixture
def flooded(make_app, staff):
    app = make_app(**GENEROUS_LIMITS, BOOKING_OPEN_PER_NETWORK_DAY=3)
    with app.app_context():
        app.service_id = add_service()
        add_technician("Jens Albers", app.service_id)
        add_technician("Aylin Demir", app.service_id)
    return app


def test_made_up_customers_from_one_network_cannot_fill_the_calendar(flooded):
    codes = [_made_up(flooded, n, "203.0.113.9").status_code for n in range(5)]
    assert codes == [303, 303, 303, 409, 409]
    refused = _made_up(flooded, 9, "203.0.113.9")
    assert "Aus Ihrem Netz wurden heute schon sehr viele Termine gebucht." in refused.text
    assert "0800 555 0142" in refused.text and 'value="Kunde 9"' in refused.text
    assert _made_up(flooded, 6, "198.51.100.4").status_code == 303  # another network
    assert _count(flooded) == 4


def test_a_dispatcher_sees_todays_bookings_by_network_and_undoes_a_flood_at_once(flooded, staff):
    for n in range(3):
        _made_up(flooded, n, "203.0.113.9")
    _made_up(flooded, 7, "198.51.100.4")
    client = flooded.test_client()
    login(client, staff["dispatcher"])
    page = client.get("/staff/termine/online-heute").text
    assert "Online-Buchungen heute" in page
    first, second = page.index("Netz 1"), page.index("Netz 2")
    assert "3 Buchungen" in page[first:second] and "Kunde 7" in page[second:]
    key = re.search(r'name="network" value="([0-9a-f]{32})"', page)[1]
    assert "Alle 3 Buchungen dieses Netzes stornieren" in page
    answer = client.post("/staff/termine/online-heute/stornieren", data={"network": key})
    assert answer.status_code == 303
    assert "3 Termine storniert." in client.get(answer.headers["Location"]).text
    with flooded.app_context():
        statuses = {
            a.customer_name: a.status.value for a in db.session.scalars(select(Appointment))
        }
    assert statuses == {
        "Kunde 0": "cancelled", "Kunde 1": "cancelled", "Kunde 2": "cancelled",
        "Kunde 7": "requested",
    }  # fmt: skip
    cancellations = [m for m in read_outbox(outbox_folder(flooded)) if "abgesagt" in m["Subject"]]
    assert len(cancellations) == 3


def test_only_dispatchers_cancel_by_network(flooded, staff):
    client = flooded.test_client()
    login(client, staff["editor"])
    assert client.get("/staff/termine/online-heute").status_code == 403
    answer = client.post("/staff/termine/online-heute/stornieren", data={"network": "0" * 32})
    assert answer.status_code == 403
