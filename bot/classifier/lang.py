"""Language detection: script checks first, py3langid (restricted) only when they are not decisive.

Order of evidence, strongest first:

1. the script: Armenian -> ``hy``, Georgian -> ``ka``, Arabic script -> ``ar`` (``fa`` with
   Persian letters), Hebrew -> ``he``, Greek -> ``el``;
2. letters only one language uses: Latin ``ə`` -> ``az``; Cyrillic ``ҹ ј ҝ`` (or ``ә`` without
   Kazakh letters) -> ``az``; ``ї є ґ і`` -> ``uk``; ``ы э ъ`` with none of those -> ``ru``;
3. the hint (`ItemText.lang`, e.g. the feed's language), when its script matches the text;
4. a fast English check (ASCII letters and several English function words);
5. py3langid restricted to the Latin-script languages (Cyrillic ones are told apart by letters).

The py3langid model takes ~0.7 s to load, so it is loaded on first need only.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["LanguageDetector", "is_az_cyrillic"]

# The letters of each script (code point ranges), in the order that breaks a tie in counts.
_SCRIPTS: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("armenian", ((0x0531, 0x0587),)),
    ("cyrillic", ((0x0400, 0x04FF),)),
    ("latin", ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x024F))),
    ("georgian", ((0x10A0, 0x10FF),)),
    ("arabic", ((0x0600, 0x06FF),)),
    ("hebrew", ((0x0590, 0x05FF),)),
    ("greek", ((0x0370, 0x03FF),)),
)
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_NOT_LATIN_SCRIPT = re.compile(
    r"[\u0370-\u03ff\u0400-\u04ff\u0531-\u0587\u0590-\u06ff\u10a0-\u10ff]"
)
_WORD = re.compile(r"\w+")
_AZ_WORD = re.compile(r"\w*[əƏ]\w*")
_PERSIAN = re.compile(r"[پچژگ]")
_AZ_LATIN = re.compile(r"[əƏ]")
_AZ_CYR_STRONG = re.compile(r"[ҹҸјЈҝҜ]")
_AZ_CYR_WEAK = re.compile(r"[әӘ]")
_KAZAKH = re.compile(r"[қҚңҢұҰіІ]")
_UKRAINIAN = re.compile(r"[їЇєЄґҐ]")
_UK_OR_BE = re.compile(r"[іІ]")
_RUSSIAN = re.compile(r"[ыЫэЭ]")
_SERBIAN = re.compile(r"[ђЂћЋџЏљЉњЊ]")
_MACEDONIAN = re.compile(r"[ѓЃќЌѕЅ]")
_BELARUSIAN = re.compile(r"[ўЎ]")
_HARD_SIGN = re.compile(r"[ъЪ]")
_EN_FUNCTION = frozenset(
    ("the", "and", "of", "to", "on", "at", "said", "says", "were", "was", "with", "after",
     "from", "by", "is", "in", "near", "a", "an", "for", "as", "that", "its", "his", "has",
     "have", "had", "are", "been", "will", "into", "over", "when", "while", "who", "which",
     "it", "not")
)  # fmt: skip
_EN_FUNCTION_LONGEST = max(map(len, _EN_FUNCTION))
# Letters that case-insensitive matching (re.IGNORECASE) also equates with the ASCII letters of
# those words: dotted and dotless I ("İn", "ın") and the long s. `_en_function_words` folds them
# the same way, so it finds exactly the words an IGNORECASE regex of the list would.
_CI_ODD = re.compile("[İıſ]")
_CI_FOLD = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})

LATIN_LANGS = (
    "en", "az", "tr", "de", "fr", "es", "it", "nl", "pt", "pl", "cs", "sk", "hr", "bs", "sr",
    "sl", "ro", "sv", "da", "no", "fi", "hu", "lt", "lv", "et", "sq", "uz", "id",
)  # fmt: skip
CYRILLIC_LANGS = ("ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "mn", "tg")
_SCRIPT_OF_HINT = {
    **dict.fromkeys(LATIN_LANGS, "latin"),
    **dict.fromkeys(CYRILLIC_LANGS, "cyrillic"),
    "hy": "armenian",
    "ka": "georgian",
    "ar": "arabic",
    "fa": "arabic",
    "he": "hebrew",
    "el": "greek",
}


def _script_table() -> dict[int, str]:
    """Translation of every code point below U+2100 to a digit naming its script ("0" none).

    Counting letters per script is then one `translate` and a `count` per script, instead of a
    regex pass per script. Characters from U+2100 on stay themselves and are never a digit.
    """
    table = dict.fromkeys(range(0x2100), "0")
    for index, (_name, ranges) in enumerate(_SCRIPTS, start=1):
        for lo, hi in ranges:
            table.update(dict.fromkeys(range(lo, hi + 1), str(index)))
    return table


_SCRIPT_TABLE = _script_table()


def _en_function_words(text: str, words: list[str]) -> list[str]:
    """The words of `text` (its `_WORD` tokens) that are English function words, any case.

    Whole tokens are compared with a set: one pass over words the caller has already split,
    much cheaper than a case-insensitive regex alternation over the text.
    """
    if _CI_ODD.search(text):
        return [
            w
            for w in words
            if len(w) <= _EN_FUNCTION_LONGEST and w.translate(_CI_FOLD).lower() in _EN_FUNCTION
        ]
    return [w for w in words if len(w) <= _EN_FUNCTION_LONGEST and w.lower() in _EN_FUNCTION]


def is_az_cyrillic(text: str) -> bool:
    """True when Cyrillic text carries letters of the Azerbaijani Cyrillic alphabet."""
    if _AZ_CYR_STRONG.search(text):
        return True
    return bool(_AZ_CYR_WEAK.search(text)) and not _KAZAKH.search(text)


class LanguageDetector:
    """Detects the language of a title + summary; holds the lazily loaded py3langid models."""

    __slots__ = ("_identifiers",)

    def __init__(self) -> None:
        self._identifiers: dict[tuple[str, ...], Any] = {}

    def _langid(self, text: str, langs: tuple[str, ...]) -> str:
        ident = self._identifiers.get(langs)
        if ident is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            full = LanguageIdentifier.from_model_file(MODEL_FILE)
            # Keep only the columns of `langs` (what set_languages computes) and let the full
            # per-language table go: it is ~40 MB of the bot's memory for languages never used.
            keep = [i for i, c in enumerate(full.nb_classes) if c in set(langs)]
            ident = LanguageIdentifier(
                full.nb_ptc[:, keep].copy(), full.nb_pc[keep].copy(),
                [full.nb_classes[i] for i in keep], full.tk_nextmove, full.tk_output,
                tk_row=full.tk_row,
            )
            del full
            self._identifiers[langs] = ident
        lang, _score = ident.classify(text)
        return str(lang)

    def detect(self, text: str, hint: str | None = None) -> str:
        """ISO 639-1 code of `text`; `hint` wins only when the script does not contradict it."""
        hint = hint.lower().split("-")[0].split("_")[0] if hint else None
        if not _NOT_LATIN_SCRIPT.search(text):  # the common case: one regex, no counting
            return self._latin(text, hint) if _LATIN.search(text) else (hint or "und")
        scripts = text.translate(_SCRIPT_TABLE)
        counts = {
            name: scripts.count(str(index)) for index, (name, _) in enumerate(_SCRIPTS, start=1)
        }
        script = max(counts, key=lambda k: counts[k])
        if counts[script] == 0:
            return hint or "und"
        if script == "armenian":
            return "hy"
        if script == "georgian":
            return "ka"
        if script == "arabic":
            return "fa" if _PERSIAN.search(text) and hint != "ar" else "ar"
        if script == "hebrew":
            return "he"
        if script == "greek":
            return "el"
        if script == "cyrillic":
            return self._cyrillic(text, hint)
        return self._latin(text, hint)

    def _cyrillic(self, text: str, hint: str | None) -> str:
        """Cyrillic languages differ by letters; no statistical model is needed."""
        if is_az_cyrillic(text):
            return "az"
        if _KAZAKH.search(text) and _AZ_CYR_WEAK.search(text):
            return "kk"
        if _UKRAINIAN.search(text):
            return "uk"
        if _BELARUSIAN.search(text):
            return "be"
        if _SERBIAN.search(text):
            return "sr"
        if _MACEDONIAN.search(text):
            return "mk"
        if _UK_OR_BE.search(text):
            return hint if hint in ("uk", "be", "kk") else "uk"
        if _RUSSIAN.search(text):
            return "ru"
        if hint in CYRILLIC_LANGS:
            return hint
        # Bulgarian writes ъ in many words; Russian rarely and never without ы or э
        return "bg" if len(_HARD_SIGN.findall(text)) >= 2 else "ru"

    def _latin(self, text: str, hint: str | None) -> str:
        words = _WORD.findall(text)
        n_words = max(1, len(words))
        # Azerbaijani: many words with ə (one place name like "Kəlbəcər" in English is not)
        if _AZ_LATIN.search(text) and len(_AZ_WORD.findall(text)) / n_words >= 0.1:
            return "az"
        if hint is not None and _SCRIPT_OF_HINT.get(hint) == "latin":
            return hint
        found = _en_function_words(text, words)
        distinct = {w.lower() for w in found}
        marker = "the" in distinct or "and" in distinct or "said" in distinct
        if marker and len(distinct) >= 3 and len(found) / n_words >= 0.08:
            return "en"
        return self._langid(text, LATIN_LANGS)
