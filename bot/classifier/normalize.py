"""Text normalisation for lexicon matching.

`normalize` folds case, Latin diacritics and punctuation **one character for one character**, so
an offset in the normalised text is the same offset in the original text and every match can
quote the original words as evidence. Azerbaijani written in Cyrillic (older outlets) is
transliterated to Latin the same way, so the Azerbaijani lexicon serves both alphabets.
"""

from __future__ import annotations

import re

__all__ = ["AZ_CYRILLIC_LETTERS", "complete_table", "normalize", "normalize_pattern"]

# Azerbaijani Cyrillic (1958-1991) to Latin, one letter each. Letters the Azerbaijani Cyrillic
# alphabet lacks but Russian loanwords use are approximated (я -> a) to keep the 1:1 property.
_AZ_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "q", "ғ": "ğ", "д": "d", "е": "e", "ә": "ə", "ж": "j",
    "з": "z", "и": "i", "ы": "ı", "ј": "y", "к": "k", "ҝ": "g", "л": "l", "м": "m", "н": "n",
    "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "ü", "ф": "f",
    "х": "x", "һ": "h", "ч": "ç", "ҹ": "c", "ш": "ş", "й": "y", "я": "a", "ю": "u", "ё": "o",
    "э": "e", "ц": "s", "щ": "ş", "ь": " ", "ъ": " ",
}  # fmt: skip
AZ_CYRILLIC_LETTERS = "ҹјҝәғһөү"

# Latin diacritics folded to ASCII, so "atəşə tutub", "atese tutub" and Turkish "ateş" meet.
_FOLD = {
    "a": "áàâäãåāăą", "e": "éèêëėēęěə", "i": "íìîïıī", "o": "óòôöõøōő", "u": "úùûüūů",
    "c": "çčć", "s": "şșšś", "g": "ğ", "n": "ñń", "z": "žźż", "y": "ýÿ", "r": "ř", "t": "ť",
    "d": "ď", "l": "ľł",
}  # fmt: skip

# Punctuation and symbols become spaces; hyphens too ("cease-fire", "Ми-24", "60-мм").
_PUNCT = (
    ".,;:!?()[]{}<>\"'`«»“”„‘’‚‹›—–-‐‑‒―/\\|…·•*_+=~^@#$%&"
    "՝։՛՜՞՚՟"  # Armenian punctuation
    "،؛؟"  # Arabic punctuation
)


def complete_table(table: dict[int, str], end: int = 0x2100) -> dict[int, str]:
    """`table` plus every other code point below `end` mapped to itself: the same translation.

    `str.translate` raises and catches a LookupError internally for each character of a
    non-ASCII text that its table lacks, which makes a table of a few dozen entries twice as
    slow on Cyrillic or Armenian text as a complete one. Below `end` lie every script and the
    punctuation the feeds use; characters beyond are left unchanged as before.
    """
    full = {cp: chr(cp) for cp in range(end)}
    full.update(table)
    return full


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for dst, sources in _FOLD.items():
        for src in sources:
            table[ord(src)] = dst
    for ch in _PUNCT:
        table[ord(ch)] = " "
    for ch in "\t\n\r\u00a0\u2009\u202f\u200b":
        table[ord(ch)] = " "
    table[ord("ё")] = "е"
    table[ord("և")] = "ե"  # the ligature "և" (= "եւ"): keep one char; "և" alone is "and"
    return table


_TABLE = complete_table(_build_table())
# Upper-case letters whose lower() would change the length ("İ" -> "i̇").
_PRE_LOWER = str.maketrans({"İ": "i", "I": "i"})
_AZ_TABLE = complete_table(str.maketrans({**_AZ_CYR, **{k.upper(): v for k, v in _AZ_CYR.items()}}))
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w ]")


def normalize(text: str, *, az_cyrillic: bool = False) -> str:
    """Lower-case, fold diacritics and punctuation; the result has the length of `text`.

    With `az_cyrillic`, Cyrillic letters are read as Azerbaijani and written in Latin.
    """
    if az_cyrillic:
        text = text.translate(_AZ_TABLE)
    # "I" lower-cases to "i" anyway; only "İ" needs the table, and is rare
    lowered = (text.translate(_PRE_LOWER) if "İ" in text else text).lower()
    if len(lowered) != len(text):  # a rare letter whose lower case has another length
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    # whatever the table did not cover (symbols, rare apostrophes) ends a word too
    return _NON_WORD.sub(" ", lowered.translate(_TABLE))


def normalize_pattern(pattern: str) -> str:
    """Normalise a lexicon pattern the way texts are normalised; keep `*` and `_` markers."""
    words = []
    for word in pattern.split():
        if word in ("_", "*"):
            words.append(word)
            continue
        star = word.endswith("*")
        core = normalize(word[:-1] if star else word).strip()
        # punctuation inside a pattern word ("anti-tank") becomes a word break
        core = _SPACES.sub(" ", core)
        words.append(core + ("*" if star else ""))
    return " ".join(w for w in words if w)
