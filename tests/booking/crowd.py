"""Processes for the double-booking test: app servers and customers, each in its own process.

Kept apart from the test module so that each spawned customer starts with nothing but urllib.
"""

import urllib.error
import urllib.parse
import urllib.request


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def serve(config: dict, ports) -> None:
    """Run one portal process on a free port and report the port."""
    from werkzeug.serving import make_server

    from portal import create_app

    server = make_server("127.0.0.1", 0, create_app(config), threaded=True)
    ports.put(server.server_port)
    server.serve_forever()


def customer(url: str, data: dict, start, results) -> None:
    """Wait for everyone, then book; report the HTTP status."""
    opener = urllib.request.build_opener(_NoRedirect)
    body = urllib.parse.urlencode(data).encode()
    start.wait()
    try:
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 - test URL
        with opener.open(request, timeout=60) as r:
            results.put(r.status)
    except urllib.error.HTTPError as error:
        results.put(error.code)
