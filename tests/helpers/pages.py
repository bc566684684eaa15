"""Reading pages as a browser would."""

import re


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def main_of(html: str) -> str:
    """The page's main content, without the header and footer every page shares."""
    return html[html.index("<main") : html.index("</main>")]


# A phone's screen, in CSS pixels.
PHONE = {"width": 375, "height": 740}
LONG_WORDS = [
    "Kundendienstmitarbeiterin",
    "Heizungsanlagenwartung",
    "Warmwasserbereitungsanlage",
    "Sicherheitstemperaturbegrenzer",
    "Ausdehnungsgefäßvordruck",
    "Brennwertkesselaustausch",
    "Abgasüberwachungseinrichtung",
    "Umwälzpumpensteuerung",
]
HEADER = "| " + " | ".join(LONG_WORDS) + " |"
RULE = "|" + "---|" * len(LONG_WORDS)
ROW = "| " + " | ".join(reversed(LONG_WORDS)) + " |"
WIDE_TABLE = (
    "## Prüfung\n\nDer Techniker prüft jedes Bauteil der Anlage und notiert die Werte in der "
    "Tabelle unten, damit Sie später nachlesen können, was getan wurde.\n\n"
    f"{HEADER}\n{RULE}\n{ROW}\n{ROW}\n\n"
    "## Lösung\n\nTauschen Sie das Bauteil aus, das in der Tabelle als defekt markiert ist."
)
