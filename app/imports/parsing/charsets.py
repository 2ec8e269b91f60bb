"""Which code page a CSV export that is not UTF-8 was written in, and how sure that is.

Excel's plain "CSV" and older CRMs write the user's Windows code page (Excel for Mac: Mac Roman)
and nothing in the file says which. charset-normalizer reads a sample in every candidate code
page and rules out the readings that are a mess. Between the rest it often cannot choose:
Windows-1250 and -1252 both read French, Spanish or Hungarian without any mess, only with
other letters (0xE8 is è in one and č in the other), and a one-line Polish file reads as
plausible Windows-1252. So each reading is also held against the alphabets of the languages
its code pages are for, line by line (one line is one company, written in one language): a
wrong reading shows letters no one language uses together ("Crčme Brűlée"), symbols inside
words ("Spó³ka"), capitals inside words ("MŸller") or scripts mixed in a word ("Cafй").

`confidence` is not a probability: it is the share of the sample's non-ASCII characters that
read as letters of one language (or as ordinary punctuation), times 1 - 2**-k, where k is how
many more characters the next-best reading that gives other text gets wrong. A file with one
accented name has k of 1 or 2, however good its reading; a few dozen accented names make it
certain. When nothing tells the readings apart the first candidate wins: Windows-1252.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

import charset_normalizer

# In order of preference when the evidence is even.
CANDIDATES: tuple[str, ...] = (
    "cp1252",  # Windows Western European: Excel's CSV in most of Europe and the Americas
    "cp1250",  # Windows Central European: Polish, Czech, Slovak, Hungarian, Croatian, ...
    "cp1251",  # Windows Cyrillic: Russian, Bulgarian, Ukrainian, Serbian
    "mac_roman",  # Excel for Mac "CSV (Macintosh)"
    "cp1253",  # Windows Greek
    "cp1254",  # Windows Turkish
    "cp1257",  # Windows Baltic
    "iso8859_2",  # Central European exports from Unix systems
    "koi8_r",  # Russian exports from Unix systems
    "latin_1",  # Windows-1252 text with a stray byte that code page leaves undefined
)
LABELS: dict[str, str] = {
    "cp1252": "Windows-1252 (Western European)",
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "mac_roman": "Mac Roman",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1257": "Windows-1257 (Baltic)",
    "iso8859_2": "ISO-8859-2 (Central European)",
    "koi8_r": "KOI8-R (Russian)",
    "latin_1": "ISO-8859-1 (Latin-1)",
}
CERTAIN = 0.9

# The lower-case letters beyond ASCII each language writes (with common loan letters, as in
# German "Café", and the ordinals of "Nº 5"); Cyrillic and Greek in full.
_LETTERS: dict[str, str] = {
    "German": "äöüßéèàç", "French": "àâæçéèêëîïôœùûüÿ", "Spanish": "áéíñóúüºª",
    "Portuguese": "áâãàçéêíóôõúºª", "Italian": "àèéìíîòóùúºª", "Catalan": "àçèéíïòóúüºª",
    "Dutch": "áàéèëêïóöü", "Danish, Norwegian": "æøåéäö", "Swedish": "åäöéü",
    "Finnish": "åäöšž", "Icelandic": "áðéíóúýþæö", "Polish": "ąćęłńóśźż",
    "Czech": "áčďéěíňóřšťúůýž", "Slovak": "áäčďéíĺľňóôŕšťúýž", "Hungarian": "áéíóöőúüű",
    "Croatian, Slovene, Bosnian": "čćđšž", "Romanian": "ăâîșțşţ", "Albanian": "çë",
    "Turkish": "çğ\u0131öşüâîi", "Estonian": "äõöüšž", "Lithuanian": "ąčęėįšųūž",
    "Latvian": "āčēģīķļņšūž",
    "Russian": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "Bulgarian": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "Ukrainian": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "Serbian": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "Macedonian": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
    "Belarusian": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "Greek": "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
}  # fmt: skip
_ALPHABETS: tuple[frozenset[str], ...] = tuple(frozenset(v) for v in _LETTERS.values())
# Marks that follow or precede a word in real text ("Acme®", "25°", "„Bäckerei“").
_WORD_EDGE_MARKS = frozenset("\u2019™®©°€")
_EDGE_CATEGORIES = frozenset({"Ps", "Pe", "Pi", "Pf", "Pd"})  # brackets, quotes, dashes
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_ASCII = bytes(range(128))
# ASCII reads the same in every candidate, so the sample is the lines that are not ASCII (a
# large file with few accented names would otherwise be judged on lines without any), until it
# holds enough non-ASCII bytes to decide: judging them is the slow part.
_SAMPLE_BYTES = 32 * 1024
_SAMPLE_HIGH_BYTES = 2000
_LINE_CONTEXT = 1024


@dataclass(frozen=True, slots=True)
class Encoding:
    """How a file was decoded: the codec, how sure that is (1.0 when a byte-order mark or valid
    UTF-8 says so) and, when not certain, the next-best code page and a word the two read
    differently (as read, as the other would read it)."""

    name: str
    confidence: float = 1.0
    rival: str | None = None
    example: tuple[str, str] | None = None

    @property
    def certain(self) -> bool:
        return self.confidence >= CERTAIN


def guess_code_page(data: bytes) -> Encoding:
    """The candidate code page that decodes all of `data` and reads most like text.

    `data` is not UTF-8 (the caller tried), so it holds bytes above 0x7F; `mac_roman` and
    `koi8_r` decode any bytes, so there is always an answer.
    """
    absent = {b for b in set().union(*map(_undefined, CANDIDATES)) if bytes([b]) not in data}
    readable = [name for name in CANDIDATES if _undefined(name) <= absent]
    sample = _sample(data)
    messy = _mess_by_code_page(sample, readable)
    readings = sorted(
        (_Reading.of(sample, name, messy.get(name)) for name in readable),
        key=lambda r: (r.mess is None, r.misfits, r.mess or 0.0, CANDIDATES.index(r.name)),
    )
    best = readings[0]
    rival = next((r for r in readings[1:] if r.text != best.text), None)
    judged = best.fits + best.misfits
    confidence = best.fits / judged if judged else 1.0
    if rival is not None:
        confidence *= 1 - 2.0 ** -max(0, rival.misfits - best.misfits)
    confidence = round(confidence, 2)
    if confidence >= CERTAIN or rival is None:
        return Encoding(best.name, confidence)
    return Encoding(best.name, confidence, rival.name, _first_difference(best.text, rival.text))


@dataclass(frozen=True, slots=True)
class _Reading:
    name: str
    text: str
    fits: int
    misfits: int
    mess: float | None  # charset-normalizer's mess ratio; None: it ruled this reading out

    @classmethod
    def of(cls, sample: bytes, name: str, mess: float | None) -> _Reading:
        text = sample.decode(name)
        fits = misfits = 0
        for line in text.split("\n"):
            line_fits, line_misfits = _judge_line(line)
            fits, misfits = fits + line_fits, misfits + line_misfits
        return cls(name, text, fits, misfits, mess)


def _judge_line(line: str) -> tuple[int, int]:
    """(characters that read as text, characters that do not) among the line's non-ASCII ones;
    harmless punctuation counts as neither."""
    letters: Counter[str] = Counter()
    misfits = 0
    for match in _NON_ASCII.finditer(line):
        char, at = match[0], match.start()
        before = line[at - 1] if at else " "
        after = line[at + 1] if at + 1 < len(line) else " "
        if char.isalpha():
            if _capital_inside_word(char, before, after) or _mixes_scripts(char, before, after):
                misfits += 1
            else:
                letters[char.lower()[0]] += 1  # "İ".lower() is "i" and a combining dot
        elif _out_of_place(char, before, after):
            misfits += 1
    if not letters:
        return 0, misfits
    if frozenset.intersection(*map(_alphabets_of, letters)):
        return letters.total(), misfits  # one language writes every letter: the usual case
    by_alphabet: Counter[int] = Counter()
    for letter, n in letters.items():
        for alphabet in _alphabets_of(letter):
            by_alphabet[alphabet] += n
    fits = max(by_alphabet.values(), default=0)
    return fits, misfits + letters.total() - fits


@cache
def _alphabets_of(letter: str) -> frozenset[int]:
    """The positions in `_ALPHABETS` of the alphabets that have the letter."""
    return frozenset(i for i, alphabet in enumerate(_ALPHABETS) if letter in alphabet)


def _out_of_place(char: str, before: str, after: str) -> bool:
    category = unicodedata.category(char)
    if category[0] == "C":
        return True  # control characters do not occur in text
    if category == "Zs":
        return False
    if char in _WORD_EDGE_MARKS or category in _EDGE_CATEGORIES:
        return before.isalpha() and after.isalpha()
    return before.isalpha() or after.isalpha()


def _capital_inside_word(char: str, before: str, after: str) -> bool:
    # "MŸller", "CafŽ"; a capital after a capital is an acronym ("ÖBB"), unless lower case
    # follows.
    return char.isupper() and (before.islower() or (before.isalpha() and after.islower()))


def _mixes_scripts(char: str, before: str, after: str) -> bool:
    script = _script(char)
    return any(c.isalpha() and _script(c) != script for c in (before, after))


def _script(char: str) -> str:
    if "\u0400" <= char <= "\u04ff":
        return "cyrillic"
    if "\u0370" <= char <= "\u03ff":
        return "greek"
    return "latin"


@cache
def _undefined(name: str) -> frozenset[int]:
    """The bytes the code page leaves undefined: a file holding one is not in it."""
    return frozenset(b for b in range(0x80, 0x100) if not _decodes(bytes([b]), name))


def _decodes(data: bytes, name: str) -> bool:
    try:
        data.decode(name)
    except UnicodeDecodeError:
        return False
    return True


def _sample(data: bytes) -> bytes:
    """The lines (at most ~2 KiB of each) that hold bytes above 0x7F, up to 32 KiB or 2,000
    such bytes."""
    pieces: list[bytes] = []
    size = high = position = 0
    while size < _SAMPLE_BYTES and high < _SAMPLE_HIGH_BYTES:
        match = _HIGH_BYTE.search(data, position)
        if match is None:
            break
        at = match.start()
        start = max(
            data.rfind(b"\n", position, at), data.rfind(b"\r", position, at), at - _LINE_CONTEXT
        )
        end = min(at + _LINE_CONTEXT, len(data))
        end = min((e for e in (data.find(b"\n", at, end), data.find(b"\r", at, end)) if e >= 0),
                  default=end)  # fmt: skip
        piece = data[max(start + 1, position) : end]
        pieces.append(piece)
        size, high, position = size + len(piece) + 1, high + len(piece.translate(None, _ASCII)), end
    return b"\n".join(pieces)[:_SAMPLE_BYTES]


def _mess_by_code_page(sample: bytes, names: list[str]) -> dict[str, float]:
    """charset-normalizer's mess ratio of each reading it does not rule out."""
    canonical = {codecs.lookup(name).name: name for name in names}
    mess: dict[str, float] = {}
    matches = charset_normalizer.from_bytes(sample, cp_isolation=names, preemptive_behaviour=False)
    for match in matches:
        for found in match.could_be_from_charset:
            name = canonical.get(codecs.lookup(found).name)
            if name is not None:
                mess.setdefault(name, match.chaos)
    return mess


def _first_difference(text: str, other: str) -> tuple[str, str] | None:
    """The first word (at most 40 characters of it) two readings of the same bytes spell
    differently."""
    at = next((i for i, (a, b) in enumerate(zip(text, other, strict=True)) if a != b), None)
    if at is None:
        return None
    start, end = at, at
    while start > max(0, at - 20) and not _separates(text[start - 1]):
        start -= 1
    while end < min(len(text), at + 20) and not _separates(text[end]):
        end += 1
    return text[start:end], other[start:end]


def _separates(char: str) -> bool:
    return char.isspace() or char in ",;|\"'"
