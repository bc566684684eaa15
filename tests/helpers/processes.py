"""Real server processes in tests: a free port, and waiting until one answers."""

import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} ended early:\n{log.read_text()}")
        try:
            requests.get(url, timeout=10)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    pytest.fail(f"{url} did not answer:\n{log.read_text()}")
