"""Technician appointments (built out by the booking issue)."""
