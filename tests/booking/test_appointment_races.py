"""A customer's cancel and several moves of the same appointment at the same moment, through three
app processes on one database: the changes queue up, and the appointment tells one story."""

import multiprocessing
import re
from datetime import time

from sqlalchemy import select

from booking import scheduling
from booking.models import Appointment, AppointmentEvent, OccupiedWindow, ServiceType, Status
from portal.extensions import db
from portal.mail import outbox_folder, read_outbox
from tests.booking import crowd
from tests.booking.helpers import add_service, add_technician, in_days

SERVERS = 3
MOVES = 8
ROUNDS = 3


def _customer():
    return scheduling.Customer(
        "Erika Mustermann", "erika@example.org", "040 1234567", "Hauptstraße 1", "20095", "Hamburg"
    )


def _sequences(app, reference: str) -> list[int]:
    found = []
    for message in read_outbox(outbox_folder(app)):
        if reference not in message["Subject"] + message.get_body(("plain",)).get_content():
            continue
        for part in message.iter_attachments():
            calendar = part.get_content()
            calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
            found += [int(n) for n in re.findall(r"^SEQUENCE:(\d+)", calendar, re.MULTILINE)]
    return found


def test_a_cancel_racing_moves_leaves_one_consistent_appointment(make_app):
    config = {
        "BOOKING_HORIZON_DAYS": 20,
        "BOOKING_MANAGE_RATE_LIMIT": "1000 per minute",
        "BOOKING_MAX_RESCHEDULES": 100,
    }
    app = make_app(**config)
    with app.app_context():
        service_id = add_service(minutes=60)
        add_technician("Jens Albers", service_id, shifts=[(time(8), time(17))])
    server_config = {
        **config,
        "INSTANCE_PATH": app.instance_path,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "WTF_CSRF_ENABLED": False,
    }
    spawn = multiprocessing.get_context("spawn")
    ports = spawn.Queue()
    servers = [spawn.Process(target=crowd.serve, args=(server_config, ports)) for _ in range(3)]
    for server in servers:
        server.start()
    try:
        bases = [f"http://127.0.0.1:{ports.get(timeout=60)}" for _ in servers]
        for round_ in range(ROUNDS):
            with app.app_context():
                service = db.session.get(ServiceType, service_id)
                booked = scheduling.book(service, _customer(), in_days(3 + round_), 0)
                token, appointment_id = scheduling.manage_token(booked), booked.id
            manage = f"/de/termin/verwalten/{token}"
            requests = [(f"{manage}/absagen", {})] + [
                (f"{manage}/verschieben", {"slot": f"{in_days(10 + move // 3)}/{move % 3 + 1}"})
                for move in range(MOVES)
            ]
            start, results = spawn.Barrier(len(requests)), spawn.Queue()
            crowd_ = [
                spawn.Process(
                    target=crowd.customer, args=(bases[n % SERVERS] + url, data, start, results)
                )
                for n, (url, data) in enumerate(requests)
            ]
            for process in crowd_:
                process.start()
            for process in crowd_:
                process.join(timeout=120)
            codes = [results.get(timeout=5) for _ in crowd_]
            assert all(code in (200, 303, 409) for code in codes), codes
            with app.app_context():
                appointment = db.session.get(Appointment, appointment_id)
                windows = db.session.scalars(
                    select(OccupiedWindow).where(OccupiedWindow.appointment_id == appointment_id)
                ).all()
                moves = db.session.scalars(
                    select(AppointmentEvent).where(
                        AppointmentEvent.appointment_id == appointment_id,
                        AppointmentEvent.action == "rescheduled",
                    )
                ).all()
                assert appointment.status is Status.CANCELLED
                assert windows == [], "a cancelled appointment still holds its windows"
                assert appointment.reschedule_count == len(moves)
                assert appointment.sequence == len(moves) + 1  # each move, and the cancel
                reference = appointment.reference
            sequences = _sequences(app, reference)
            assert max(sequences) == len(moves) + 1
            assert len(set(sequences)) == len(sequences), "two changes sent the same SEQUENCE"
    finally:
        for server in servers:
            server.terminate()
            server.join()
