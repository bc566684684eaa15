"""Which problems cannot wait for the next free window: gas, water running out, no heat in winter.

For these the booking page shows the emergency number first.
"""

import re
from datetime import date

ALWAYS = re.compile(
    r"gas\s*geruch|riecht\s+(stark\s+)?nach\s+gas|gas\s+riecht|smell\w*\s+(of\s+)?gas|gas\s+leak"
    r"|wasser\s+(läuft|tritt|spritzt)\s+(aus|heraus)|ausgelaufen|überschwemm|unter\s+wasser"
    r"|leaking|water\s+(is\s+)?(leaking|pouring|running\s+out)|flood",
    re.IGNORECASE,
)
WINTER = re.compile(
    r"kein\w*\s+(heizung|wärme|warmwasser)|heizung\s+(ist\s+)?(aus|kalt|ausgefallen|geht\s+nicht)"
    r"|wohnung\s+(ist\s+)?kalt|no\s+(heat|heating|hot\s+water)|heating\s+(is\s+)?(off|down|broken)",
    re.IGNORECASE,
)
WINTER_MONTHS = {10, 11, 12, 1, 2, 3, 4}


def is_emergency(problem: str, today: date) -> bool:
    return bool(ALWAYS.search(problem)) or (
        today.month in WINTER_MONTHS and bool(WINTER.search(problem))
    )
