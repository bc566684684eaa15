"""URL slugs that spell German the way Germans transliterate it: "Tür klemmt" -> "tuer-klemmt"."""

from slugify import slugify as _slugify

GERMAN = [["Ä", "Ae"], ["Ö", "Oe"], ["Ü", "Ue"], ["ä", "ae"], ["ö", "oe"], ["ü", "ue"], ["ß", "ss"]]


def slugify(text: str, max_length: int = 100, separator: str = "-") -> str:
    return _slugify(
        text, replacements=GERMAN, max_length=max_length, word_boundary=True, separator=separator
    )
