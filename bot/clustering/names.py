"""Names as evidence across scripts: tokens transliterated to one Latin skeleton.

Armenian, Cyrillic, Georgian and Azerbaijani Latin spellings of one name (Гафаров, Gafarov,
Qafarov) fold to the same skeleton: `anyascii` (a maintained transliteration library covering
every script) romanises, then a few folds merge the spelling variants of the press. The parties,
capitals, ministries and months are noise.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Final

from anyascii import anyascii

__all__ = [
    "MIN_TOKEN",
    "NOISE_STEMS",
    "SENTENCE_BREAK_RE",
    "STEM",
    "TOKEN_RE",
    "script_is_caseless",
    "skeleton",
]


# Letters whose usual romanisation in the press differs from the library's (Azerbaijani ə is
# written "a" in English: Əliyev = Aliyev).
_OVERRIDES: Final[dict[str, str]] = {"ə": "a"}
# Azerbaijani and Turkish spellings of the same sounds (Qubadlı = Gubadli, Cəbrayıl = Jabrayil).
_TRANSLIT_AZ: Final[dict[str, str]] = {
    "c": "j", "ç": "ch", "ş": "sh", "ğ": "gh", "x": "kh", "q": "g",
}  # fmt: skip
# Spelling variants folded into one skeleton, longest first.
_FOLDS: Final[tuple[tuple[str, str], ...]] = (
    ("shch", "s"), ("dzh", "j"), ("kh", "h"), ("gh", "g"), ("zh", "j"), ("dj", "j"),
    ("sh", "s"), ("ch", "c"), ("ts", "c"), ("tz", "c"), ("ou", "u"), ("ow", "u"), ("ye", "e"),
    ("x", "h"), ("q", "g"), ("w", "v"), ("y", "i"),
    # Russian writes h as г (Ибрагимов = Ibrahimov, Гусейн = Huseyn): every h left after the
    # folds above becomes g, on both sides of a comparison.
    ("h", "g"),
)  # fmt: skip
STEM: Final = 6  # tokens agree when their skeletons share this many first letters
MIN_TOKEN: Final = 4
TOKEN_RE: Final = re.compile(r"\w+", re.UNICODE)
# Before a sentence-initial word; an initial ("A. Torozyan") does not end a sentence.
SENTENCE_BREAK_RE: Final = re.compile(r"(?:(?<!\b\w)[.!?]|[:;—–\-\"«»“”()])\s*$")
_CASELESS_SCRIPTS: Final = ("GEORGIAN",)
_NOISE_WORDS: Final = (
    # the parties, capitals, the region and the usual speakers: in every report, so no evidence
    "Armenia Armenian Armenians Armenien Arménie Armenië Armeniya Armenija Arménia Ermeni "
    "Ermənistan Ermenistan Армения Армении Армянский Армянские Вірменія "
    "Հայաստան Հայաստանի Հայկական "
    "Azerbaijan Azerbaijani Aserbaidschan Azerbaïdjan Azerbeidzjan Azerbajdžán Azərbaycan "
    "Azerbaycan "
    "Азербайджан Азербайджана Азербайджанский Азербайджанские Азербайджану Азербайджаном "
    "Ադրբեջան Ադրբեջանի Ադրբեջանական Baku Bakı Баку Բաքու Yerevan Erevan İrəvan Ереван Єреван "
    "Երևան Երեւան Karabakh Karabagh Karabach Qarabağ Карабах Карабаха Ղարաբաղ Nagorno Нагорный "
    "Нагорного Artsakh Арцах Արցախ Stepanakert Moscow Москва Russia Russian Россия Kremlin "
    "Pashinyan Пашинян Փաշինյան Aliyev Алиев Əliyev Defense Defence Ministry Minister Ministère "
    "Ministerium Министерство Минобороны Міноборони Nazirliyi Müdafiə Պաշտպանության MoD МО ՊՆ "
    "Interfax Интерфакс Sputnik Reuters Armenpress Azertac APA Trend TASS ТАСС News Press "
    "Border Service Guard Guards Army Forces State January February March April May June July "
    "August September October November December Monday Tuesday Wednesday Thursday Friday Saturday "
    "Sunday"
)


@functools.lru_cache(maxsize=4096)  # asked for the first letter of every lower-case word
def script_is_caseless(ch: str) -> bool:
    name = unicodedata.name(ch, "")
    return any(name.startswith(script) for script in _CASELESS_SCRIPTS)


@functools.lru_cache(maxsize=65536)
def skeleton(token: str, lang: str) -> str:
    """A Latin skeleton of a token: transliterated, accents dropped, spelling variants folded."""
    az = lang in ("az", "tr")
    out: list[str] = []
    for ch in token.lower():
        if az and ch in _TRANSLIT_AZ:
            out.append(_TRANSLIT_AZ[ch])
            continue
        mapped = _OVERRIDES.get(ch)
        if mapped is None:
            mapped = anyascii(ch).lower()  # any script: Armenian, Cyrillic, Georgian, Arabic...
        out.extend(part for part in mapped if "a" <= part <= "z")
    text = "".join(out)
    for old, new in _FOLDS:
        text = text.replace(old, new)
    # An initial h is dropped in Russian for Armenian names (Harutyunyan, Арутюнян) and written
    # г for Azerbaijani ones (Hasanov, Гасанов): with h folded into g, an initial g goes.
    text = text.removeprefix("g")
    folded: list[str] = []
    for ch in text:
        if not folded or folded[-1] != ch:
            folded.append(ch)
    return "".join(folded)


NOISE_STEMS: Final[frozenset[str]] = frozenset(
    skeleton(word, "en")[:STEM] for word in _NOISE_WORDS.split()
) | frozenset(skeleton(word, "az")[:STEM] for word in _NOISE_WORDS.split())
