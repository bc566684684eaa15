"""A small corpus where each language case of the search issue has one right answer."""

from search.documents import Document, Section


def doc(
    slug,
    title,
    body,
    language="de",
    category="haushalt",
    tags=(),
    summary="",
    heading="Lösung",
    anchor="loesung",
):
    return Document(
        slug=slug,
        language=language,
        title=title,
        category=category,
        category_name=category.title(),
        summary=summary,
        tags=tuple(tags),
        sections=(
            Section(None, "", f"Einleitung zu {title}."),
            Section(anchor, heading, body),
        ),
    )


CORPUS = [
    doc(
        "spuelmaschine",
        "Spülmaschine spült nicht sauber",
        "Die Sprüharme der Spülmaschine sind verstopft. Reinigen Sie die Siebe.",
    ),
    doc(
        "tuerdichtung",
        "Türdichtung wechseln",
        "Die alte Türdichtung vorsichtig abziehen.",
        category="waschmaschinen",
        tags=["waschmaschine"],
    ),
    doc(
        "heizungswartung",
        "Heizungswartung im Herbst",
        "Einmal im Jahr prüft der Techniker Brenner und Abgaswerte.",
        category="heizung",
    ),
    doc(
        "wartung-getrennt",
        "Jährliche Pflege der Anlage",
        "Die Wartung der Heizung umfasst Brenner, Abgas und Druck.",
        category="heizung",
    ),
    doc("fussventil", "Das Fußventil der Pumpe", "Ein Fußventil verhindert das Leerlaufen."),
    doc(
        "fehler-e18",
        "Fehler E18: Wasser wird nicht abgepumpt",
        "Bei E18 ist die Laugenpumpe blockiert. Modell WM-14N und WM-16N.",
        category="waschmaschinen",
        tags=["fehlercode"],
    ),
    doc(
        "fehler-f05",
        "Fehler F05 am Wasserstandssensor",
        "F05 heißt: Druckwächter prüfen.",
        category="waschmaschinen",
    ),
    doc(
        "entkalken",
        "Waschmaschine entkalken",
        "Mit Zitronensäure entkalken Sie die Maschine.",
        category="waschmaschinen",
    ),
    doc(
        "flusensieb",
        "Flusensieb reinigen",
        "Das Flusensieb sitzt unten rechts.",
        category="waschmaschinen",
    ),
    doc("therme", "Gastherme zeigt F22", "Die Gastherme meldet Wassermangel.", category="heizung"),
    doc(
        "geschirrspueler-salz",
        "Salz im Geschirrspüler nachfüllen",
        "Der Geschirrspüler braucht Regeneriersalz.",
        tags=["geschirrspüler"],
    ),
    doc(
        "waschmaschinen-laut",
        "Waschmaschinen sind beim Schleudern laut",
        "Wenn Waschmaschinen laut schleudern, stimmt die Beladung nicht.",
        category="waschmaschinen",
    ),
    doc(
        "phrase",
        "Wasser steht im Gerät",
        "Wenn das Wasser nicht abgepumpt wird, hilft das Sieb.",
        category="waschmaschinen",
    ),
    doc(
        "streuwoerter",
        "Pumpe und Wasser",
        "Blockiert ist hier nichts, die Laugenpumpe läuft.",
        category="waschmaschinen",
    ),
    doc(
        "skript",
        "Sicherheit im Editor",
        "Ein Text mit <script>alert(1)</script> und dem Wort Sicherheit.",
        category="service",
    ),
    doc(
        "fridge",
        "Fridge not cooling",
        "Check the thermostat of the refrigerator.",
        language="en",
        category="fridges",
        heading="Check",
        anchor="check",
    ),
    doc(
        "boiler-en",
        "Boiler pressure too low",
        "Top up the system to 1.5 bar.",
        language="en",
        category="heating",
    ),
]
