"""Twenty customers want the last free window at the same moment, through three app processes
on one database: exactly one gets it."""

import multiprocessing
from datetime import time

from sqlalchemy import func, select

from booking.models import Appointment, OccupiedWindow
from portal.extensions import db
from tests.booking import crowd
from tests.booking.helpers import add_service, add_technician, form_data, in_days

CUSTOMERS = 20
SERVERS = 3


def test_twenty_simultaneous_bookings_for_the_last_window_make_one_appointment(make_app):
    config = {"BOOKING_HORIZON_DAYS": 4, "BOOKING_RATE_LIMIT": "1000 per minute"}
    app = make_app(**config)
    day = in_days(3)
    with app.app_context():
        service = add_service()
        add_technician(
            "Jens Albers", service, weekdays=[day.weekday()], shifts=[(time(8), time(10))]
        )
    server_config = {
        **config,
        "INSTANCE_PATH": app.instance_path,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "WTF_CSRF_ENABLED": False,
    }
    spawn = multiprocessing.get_context("spawn")
    ports, results, start = spawn.Queue(), spawn.Queue(), spawn.Barrier(CUSTOMERS)
    servers = [
        spawn.Process(target=crowd.serve, args=(server_config, ports)) for _ in range(SERVERS)
    ]
    for server in servers:
        server.start()
    try:
        urls = [f"http://127.0.0.1:{ports.get(timeout=60)}/de/termin/buchen" for _ in servers]
        customers = [
            spawn.Process(
                target=crowd.customer,
                args=(
                    urls[n % SERVERS],
                    form_data(service, day, 0, name=f"Kunde {n}"),
                    start,
                    results,
                ),
            )
            for n in range(CUSTOMERS)
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
    assert codes == [303] + [409] * (CUSTOMERS - 1)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1
        assert db.session.scalar(select(func.count()).select_from(OccupiedWindow)) == 1
