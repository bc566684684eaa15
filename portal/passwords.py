"""The one password rule for staff accounts, and the sentence that states it on every form.

At least 12 characters (length is what makes a password hard to guess; NIST SP 800-63B asks for
no composition rules), at most 1,024 (scrypt hashes any length, a limit keeps requests small),
not containing the account's e-mail address or its local part, not one of the most widely used
passwords (a small list below, folded), not a short word repeated, not a run such as
"123456789012", and at least four different characters.
"""

import itertools

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 1024
MIN_DISTINCT_CHARACTERS = 4

# The most used passwords long enough to pass the length rule (from the published breach
# rankings, German and English), written folded: lower case, without the digits and signs that
# people put around a word.
COMMON = frozenset(
    [
        "passwort",
        "password",
        "passwortpasswort",
        "passwordpassword",
        "passwörter",
        "kennwort",
        "geheimpasswort",
        "meinpasswort",
        "mypassword",
        "yourpassword",
        "secretpassword",
        "changeme",
        "changemenow",
        "qwertyuiop",
        "qwertzuiop",
        "qwertyuiopasdfghjkl",
        "qwertzuiopü",
        "asdfghjkl",
        "asdfghjklö",
        "yxcvbnm",
        "qwertyqwerty",
        "qwertzqwertz",
        "abcdefghijkl",
        "abcdefghijklmnop",
        "abcabcabcabc",
        "iloveyou",
        "iloveyouiloveyou",
        "ichliebedich",
        "schatzischatzi",
        "hallohallo",
        "hallowelt",
        "helloworld",
        "welcomewelcome",
        "willkommen",
        "letmein",
        "letmeinplease",
        "trustno",
        "administrator",
        "adminadmin",
        "rootroot",
        "useruser",
        "testtest",
        "testtesttest",
        "passwortvergessen",
        "superpasswort",
        "sommersonne",
        "sonnenschein",
        "fussballfan",
        "fußballverein",
        "borussiadortmund",
        "bayernmünchen",
        "schalkeschalke",
        "starwars",
        "football",
        "baseball",
        "basketball",
        "princess",
        "sunshine",
        "dragondragon",
        "monkeymonkey",
        "shadowshadow",
        "masterpassword",
        "nordlicht",
        "nordlichthaustechnik",
        "kundenportal",
        "kundendienst",
        "haustechnik",
    ]
)


def rule() -> str:
    """The rule, as forms show it before anyone types."""
    return _l(
        "At least %(min)s characters; not your e-mail address and not a widely used password. "
        "Several words in a row are easy to remember and hard to guess.",
        min=MIN_LENGTH,
    )


def _folded(text: str) -> str:
    """Lower case with the digits, spaces and signs around and inside a word taken out."""
    return "".join(char for char in text.casefold() if char.isalpha())


def problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is refused for the account with ``email``, in the UI's language, or None."""
    if len(password) < MIN_LENGTH:
        return _l("The password needs at least %(min)s characters.", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("The password may have at most %(max)s characters.", max=MAX_LENGTH)
    lowered = password.casefold()
    address = email.strip().casefold()
    local = address.partition("@")[0]
    if address and (address in lowered or (len(local) >= 4 and local in lowered)):
        return _l("The password must not contain your e-mail address.")
    if len(set(lowered)) < MIN_DISTINCT_CHARACTERS:
        return _l("The password uses too few different characters.")
    folded = _folded(password)
    if folded in COMMON or _repeats(folded) or _repeats(lowered) or _runs(lowered):
        return _l(
            "This password is one of the most widely used and easy to guess. Please choose another."
        )
    return None


def _repeats(folded: str) -> bool:
    """A short word said again and again ("hallohallohallo") guesses as easily as the word."""
    for size in range(1, len(folded) // 2 + 1):
        if len(folded) % size == 0 and folded[:size] * (len(folded) // size) == folded:
            return size < 8 or folded[:size] in COMMON
    return False


def _runs(text: str) -> bool:
    """Mostly a run along the alphabet or the digits ("123456789012", "abcdefghijkl")."""
    steps = [ord(b) - ord(a) for a, b in itertools.pairwise(text)]
    along = sum(1 for step in steps if step in (1, -1) or (step in (-9, 9) and text.isdigit()))
    return along >= 0.75 * len(steps)
