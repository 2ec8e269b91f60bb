"""Text normalisation shared by cache keys and the offline indexes.

Two strengths: `fold_words` (casefold, NFKC, punctuation and whitespace collapsed) keeps
diacritics, so cache keys never merge places that differ only by an accent; `fold_loose` also
strips diacritics, for matching user input against index names ("Toolonkatu" finds
"Töölönkatu").
"""

from __future__ import annotations

import re
import string
import unicodedata

# USPS Publication 28 suffixes and unit words, plus directionals; applied word by word to
# street text only (a city called "Mount Vernon" keeps its name).
STREET_WORDS: dict[str, str] = {
    "street": "st",
    "str": "st",
    "avenue": "ave",
    "av": "ave",
    "road": "rd",
    "boulevard": "blvd",
    "boul": "blvd",
    "drive": "dr",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "square": "sq",
    "highway": "hwy",
    "parkway": "pkwy",
    "terrace": "ter",
    "circle": "cir",
    "trail": "trl",
    "expressway": "expy",
    "freeway": "fwy",
    "alley": "aly",
    "crescent": "cres",
    "plaza": "plz",
    "route": "rte",
    "suite": "ste",
    "apartment": "apt",
    "building": "bldg",
    "floor": "fl",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "saint": "st",
    "mount": "mt",
    "fort": "ft",
    "strasse": "st",
}

_APOSTROPHES = re.compile(r"['\u2019\u02bc`]")
_GERMAN_SUFFIX = re.compile(r"(?<=\w)(?:strasse|str)\b")


def _is_separator(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in "PSZC"


# Most input is ASCII: one translate() instead of a per-character Unicode category test.
_ASCII_TABLE = str.maketrans(
    dict.fromkeys(string.punctuation + string.whitespace, " ")
    | {chr(code): " " for code in (*range(32), 127)}
    | {"'": None, "`": None}
)


def fold_words(text: str | None) -> str:
    """Casefold, NFKC-normalise, drop apostrophes, turn other punctuation into spaces and
    collapse whitespace. Diacritics are kept."""
    if not text:
        return ""
    if text.isascii():
        return " ".join(text.lower().translate(_ASCII_TABLE).split())
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _APOSTROPHES.sub("", text)
    cleaned = "".join(" " if _is_separator(ch) else ch for ch in text)
    return " ".join(cleaned.split())


def strip_accents(text: str) -> str:
    """Remove combining marks ("töölö" -> "toolo"); ß was already folded to "ss"."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_loose(text: str | None) -> str:
    """`fold_words` without diacritics, for fuzzy-tolerant index keys."""
    return strip_accents(fold_words(text))


def abbreviate_street(folded: str) -> str:
    """Replace street-type words in already-folded text with their short forms."""
    folded = _GERMAN_SUFFIX.sub(" st", folded)
    return " ".join(STREET_WORDS.get(word, word) for word in folded.split())


def street_key(text: str | None) -> str:
    """Cache-key form of a street line: folded and abbreviated, diacritics kept."""
    return abbreviate_street(fold_words(text))


def street_match_key(text: str | None) -> str:
    """Index form of a street name: folded, abbreviated and without diacritics."""
    return abbreviate_street(fold_loose(text))


def postcode_key(text: str | None) -> str:
    """Postcode without spaces or punctuation, upper case ("sw1a 1aa" -> "SW1A1AA")."""
    if not text:
        return ""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum()).upper()


# Place names are spelled both ways ("Saint Paul"/"St. Paul", "Fort Worth"/"Ft Worth").
_PLACE_WORDS = {"saint": "st", "sainte": "ste", "mount": "mt", "fort": "ft"}


def place_key(text: str | None) -> str:
    """Index form of a city name: folded, without diacritics, common prefixes abbreviated."""
    return " ".join(_PLACE_WORDS.get(word, word) for word in fold_loose(text).split())
