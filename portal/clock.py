"""The clock that says how long something has been kept: one place that the portal reads, so
that tests move time forward instead of sleeping through it."""

import time

_ahead = 0.0  # seconds added to the system's clock; only tests add any


def monotonic() -> float:
    """Seconds on a clock that only moves forward: the system's, plus what tests added."""
    return time.monotonic() + _ahead


def advance(seconds: float) -> None:
    """Move the clock forward by ``seconds``, as if they had passed (for tests)."""
    global _ahead
    _ahead += seconds
