"""Fact extraction: casualties, weapons, claims, event date and severity, each with its basis.

Everything here is pure: it reads the text, its normalised twin (same offsets) and the lexicon
matches, and returns value objects from `bot.classifier.types`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.classifier.dates import find_dates, resolve
from bot.classifier.lexicon import Match
from bot.classifier.tokens import Tokens
from bot.classifier.types import Casualties, Claim, Location
from bot.domain import ACTOR_SIDE, HEAVY_WEAPONS, Actor, CasualtyKind, Severity, Side

__all__ = [
    "ESCALATIONS",
    "HEAVY_WEAPONS",
    "Facts",
    "extract_facts",
    "find_years",
    "grade_severity",
    "sentence_spans",
]


# Known large-scale escalations (first day, last day): the four-day war, the 44-day war, the
# September 2022 attack on Armenia and the September 2023 Karabakh offensive. Fire reported on
# these days is graded "critical" even when the item gives no toll.
ESCALATIONS: tuple[tuple[datetime, datetime], ...] = (
    (datetime(2016, 4, 1, tzinfo=UTC), datetime(2016, 4, 5, tzinfo=UTC)),
    (datetime(2020, 9, 27, tzinfo=UTC), datetime(2020, 11, 10, tzinfo=UTC)),
    (datetime(2022, 9, 13, tzinfo=UTC), datetime(2022, 9, 14, tzinfo=UTC)),
    (datetime(2023, 9, 19, tzinfo=UTC), datetime(2023, 9, 20, tzinfo=UTC)),
)

_SIDE_TAG: dict[str, Side] = {
    "armenian": "armenian",
    "karabakh": "armenian",
    "azerbaijani": "azerbaijani",
}
_OTHER: dict[Side, Side] = {"armenian": "azerbaijani", "azerbaijani": "armenian"}
_FIXED_ACTORS: dict[str, Actor] = {
    "am_mod": "am_mod",
    "az_mod": "az_mod",
    "am_border": "am_border",
    "az_border": "az_border",
    "am_gov": "am_gov",
    "az_gov": "az_gov",
    "karabakh": "karabakh",
    "third_party": "third_party",
}
_INST_ACTOR: dict[tuple[str, str], Actor] = {
    ("armenian", "mod"): "am_mod",
    ("armenian", "border"): "am_border",
    ("armenian", "gov"): "am_gov",
    ("azerbaijani", "mod"): "az_mod",
    ("azerbaijani", "border"): "az_border",
    ("azerbaijani", "gov"): "az_gov",
    ("karabakh", "mod"): "karabakh",
    ("karabakh", "border"): "karabakh",
    ("karabakh", "gov"): "karabakh",
    ("russia", "mod"): "third_party",
    ("russia", "border"): "am_border",  # Russian border guards serve on Armenia's borders
    ("russia", "gov"): "third_party",
}
_LANG_SIDE: dict[str, Side] = {"hy": "armenian", "az": "azerbaijani"}

# Number words (normalised: lower case, diacritics folded) in the languages feeds use.
NUMBER_WORDS: dict[str, int] = {
    # en
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "dozen": 12, "a": 1, "an": 1,
    "single": 1,
    # ru
    "один": 1, "одного": 1, "одному": 1, "одна": 1, "одной": 1, "одно": 1, "одним": 1,
    "два": 2, "две": 2, "двое": 2, "двух": 2, "двоих": 2, "трое": 3, "три": 3, "трех": 3,
    "троих": 3, "четыре": 4, "четверо": 4, "четырех": 4, "четверых": 4, "пять": 5,
    "пятеро": 5, "пяти": 5, "пятерых": 5, "шесть": 6, "шестеро": 6, "шести": 6,
    "шестерых": 6, "семь": 7, "семеро": 7, "семи": 7, "семерых": 7, "восемь": 8,
    "восьми": 8, "восьмерых": 8, "девять": 9, "девяти": 9, "десять": 10, "десяти": 10,
    "десятерых": 10, "одиннадцать": 11, "одиннадцати": 11, "двенадцать": 12,
    "двенадцати": 12, "тринадцать": 13, "тринадцати": 13, "пятнадцать": 15, "двадцать": 20,
    "двадцати": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50,
    # uk
    "двоє": 2, "троє": 3, "чотири": 4, "четверо ": 4, "шість": 6, "шістьох": 6,
    "десятьох": 10, "одного ": 1,
    # hy
    "մեկ": 1, "մի": 1, "երկու": 2, "երկուսը": 2, "երկուսն": 2, "երեք": 3, "երեքը": 3,
    "չորս": 4, "չորսը": 4, "հինգ": 5, "հինգը": 5, "վեց": 6, "վեցը": 6, "յոթ": 7, "յոթը": 7,
    "ութ": 8, "ութը": 8, "ինը": 9, "տասը": 10, "տաս": 10, "տասնմեկ": 11, "տասներկու": 12,
    "քսան": 20, "երեսուն": 30, "քառասուն": 40, "հիսուն": 50,
    # az (folded: üç -> uc, dörd -> dord)
    "bir": 1, "biri": 1, "iki": 2, "ikisi": 2, "uc": 3, "ucu": 3, "dord": 4, "dordu": 4,
    "bes": 5, "alti": 6, "yeddi": 7, "sekkiz": 8, "doqquz": 9, "iyirmi": 20, "otuz": 30,
    "qirx": 40, "elli": 50,
    # de, fr, es, nl, cs, hr (a few)
    "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
    "zehn": 10, "elf": 11, "zwölf": 12, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "siete": 7, "twee": 2, "drie": 3,
    "dva": 2, "tri": 3, "dvojica": 2, "another": 1,
    # ka, ar
    "ერთი": 1, "ორი": 2, "სამი": 3, "ოთხი": 4, "ხუთი": 5, "ექვსი": 6, "შვიდი": 7,
    "واحد": 1, "اثنان": 2, "ثلاثة": 3, "أربعة": 4, "خمسة": 5, "ستة": 6, "سبعة": 7,
}  # fmt: skip
# Ages and durations: a number followed by one of these is not a head count.
_AGE_AFTER = (
    "year", "yr", "лет", "летн", "годовал", "jarig", "godi", "річн", "yas", "ans", "jahr",
    "ano", "año", "ամյա", "տարեկան",
)  # fmt: skip
# Casualty words that do not say killed or wounded ("casualties", "losses"): no head count.
_AMBIGUOUS_KILL = ("casualt", "loss", "toll", "потер", "жертв", "կորուստ", "itki", "victim")
_AZ_ONLY_NUMBERS = {"on": 10}
_ARTICLE_NUMBERS = frozenset({"a", "an", "մի"})

_TOKEN = re.compile(r"\w+")
_UNIT_AFTER = frozenset(
    [
        "year",
        "years",
        "yr",
        "old",
        "km",
        "kilometers",
        "kilometres",
        "m",
        "meters",
        "metres",
        "mm",
        "cm",
        "calibre",
        "caliber",
        "percent",
        "hours",
        "hour",
        "minutes",
        "days",
        "day",
        "weeks",
        "months",
        "лет",
        "года",
        "летний",
        "летнего",
        "летняя",
        "лет",
        "км",
        "м",
        "мм",
        "калибра",
        "часов",
        "часа",
        "минут",
        "дней",
        "суток",
        "месяцев",
        "տարեկան",
        "ամյա",
        "թ",
        "կմ",
        "մ",
        "մմ",
        "ժամ",
        "օր",
        "il",
        "yaşlı",
        "km",
        "saat",
        "gün",
        "ay",
    ]
)
_BIRTH_BEFORE = frozenset(["born", "b", "рождения", "родившийся", "ծնված", "doğum", "doğulmuş"])
_MONTH_WORDS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
        "հունվարի",
        "փետրվարի",
        "մարտի",
        "ապրիլի",
        "մայիսի",
        "հունիսի",
        "հուլիսի",
        "օգոստոսի",
        "սեպտեմբերի",
        "հոկտեմբերի",
        "նոյեմբերի",
        "դեկտեմբերի",
        "yanvar",
        "fevral",
        "mart",
        "aprel",
        "iyun",
        "iyul",
        "avqust",
        "sentyabr",
        "oktyabr",
        "noyabr",
        "dekabr",
    ]
)
_CLAUSE_BREAK = re.compile(r"[,;:()\u2014\u2013]| - | and | while | whereas | и | а | և |, ")
_SENTENCE_END = re.compile(r"(?<=[.!?;։])\s+|\n+")
_ABBREV_END = re.compile(
    r"(?:\b(?:a\.m|p\.m|lt|gen|col|maj|sgt|capt|no|st|b|jr|mr|mrs|dr|vs|ул|г|с|им|т\.е|տ)\.)$",
    re.IGNORECASE,
)
# How far from its end a piece can hold an `_ABBREV_END` match: the longest abbreviation
# ("capt."), the character before it (for \b) and a final newline (for $). Searching only
# that tail finds the same matches without trying every position of a long sentence.
_ABBREV_TAIL = 8
_CLOCK = re.compile(
    r"(?<![\d.:])(?:[01]?\d|2[0-3])[:.][0-5]\d(?![\d.:])(?:\s*(?:a\.?m\.?|p\.?m\.?))?"
    r"|(?<![\d.:])(?:1[0-2]|0?[1-9])\s*(?:a\.m\.|p\.m\.|am\b|pm\b)",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_CLOCK_HINT = re.compile(r"\d[:.]\d\d|\d\s*[ap]\.?m\b", re.IGNORECASE)
# The lookbehind comes after the digits (same condition: no digit, '.', ',' or ':' before the
# year) so the regex engine can skip ahead to a "1" or "2" instead of trying every position.
_YEAR_RE = re.compile(r"((?:19|20)\d\d)(?<![\d.,:]\d\d\d\d)(?![\d])")
# Words after a side word that make it the source of a claim ("Baku's claim", "Azerbaijani
# media"), so a denial in the same sentence comes from the other side.
_CLAIM_WORDS = (
    "claim", "claims", "statement", "statements", "report", "reports", "media", "account",
    "accusation", "allegation", "version", "заявлени", "сообщени", "утверждени", "информаци",
    "сми", "обвинени", "верси", "պնդում", "հայտարարությ", "լրատվամիջոց", "տեղեկատվությ",
    "iddia", "melumat", "medi", "kiv", "behanat",
)  # fmt: skip


@dataclass(slots=True)
class Facts:
    """What the extractor found; `clock`, `years` and `date_evidence` feed the model."""

    casualties: list[Casualties] = field(default_factory=list)
    weapons: list[str] = field(default_factory=list)
    weapon_evidence: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    event_date: datetime | None = None
    date_evidence: str = ""
    clock: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    year_evidence: list[str] = field(default_factory=list)
    accused: list[Side] = field(default_factory=list)


def sentence_spans(text: str, title_end: int) -> list[tuple[int, int]]:
    """Sentence (or title) spans; splits after . ! ? ; ։ unless an abbreviation ends there."""
    spans: list[tuple[int, int]] = []
    for lo, hi in ((0, title_end), (title_end, len(text))):
        start = lo
        for m in _SENTENCE_END.finditer(text, lo, hi):
            piece = text[start : m.start()]
            if _ABBREV_END.search(piece, len(piece) - _ABBREV_TAIL):
                continue
            if piece.strip():
                spans.append((start, m.start()))
            start = m.end()
        if text[start:hi].strip():
            spans.append((start, hi))
    return spans


def find_years(text: str) -> list[tuple[int, str]]:
    """Four-digit years mentioned in `text`, except birth years and parts of clock times."""
    out: list[tuple[int, str]] = []
    for m in _YEAR_RE.finditer(text):
        before = text[max(0, m.start() - 12) : m.start()].lower()
        words = _TOKEN.findall(before)
        if words and words[-1] in _BIRTH_BEFORE:
            continue
        if "since" in words[-3:] or "с" in words[-2:]:
            continue  # "the worst since the 1994 ceasefire": a comparison, not background
        after = text[m.end() : m.end() + 12].lower()
        if re.match(r"[\s-]*(?:թ\.?\s*ծնված|г\.\s*р|года рождения)", after):
            continue
        if re.match(r"\s*\)", after) and re.search(r"\(\s*(?:b\.?\s*)?$", before):
            continue  # "(b. 2002)", "(2002)" after a name
        out.append((int(m.group(1)), text[max(0, m.start() - 20) : m.end() + 5].strip()))
    return out


def _number_at(tokens: Tokens, i: int, text: str, lang: str) -> int | None:
    """The number token `i` stands for, unless it is a time, a date, a year, an age..."""
    word = tokens.words[i]
    value: int | None
    if word.isdecimal():  # not isdigit(): int() rejects "²"
        s, e = tokens.starts[i], tokens.ends[i]
        if e < len(text) and text[e] in ":." and e + 1 < len(text) and text[e + 1].isdigit():
            return None  # clock time or decimal
        if s > 0 and text[s - 1] in ":.":
            return None
        value = int(word)
        if 1900 <= value <= 2100 or value > 20000:
            return None
    else:
        value = NUMBER_WORDS.get(word)
        if value is None and lang == "az":
            value = _AZ_ONLY_NUMBERS.get(word)
        if value is None:
            return None
    nxt = tokens.words[i + 1] if i + 1 < len(tokens.words) else ""
    prev = tokens.words[i - 1] if i > 0 else ""
    if nxt in _UNIT_AFTER or nxt in _MONTH_WORDS or prev in _MONTH_WORDS:
        return None
    if nxt.startswith(_AGE_AFTER) or prev in _BIRTH_BEFORE:
        return None
    s, e = tokens.starts[i], tokens.ends[i]
    if text[max(0, s - 2) : s].strip() in (",", "(") and text[e : e + 1] in (",", ")"):
        return None  # an age after a name: "Sona Revazian, 41, and ..."
    return value


def _per_span(matches: Sequence[Match], spans: Sequence[tuple[int, int]]) -> list[list[Match]]:
    """The matches starting in each span, in their order, for all spans in one pass.

    `spans` are ordered and disjoint (as `sentence_spans` returns them), so a match can only
    belong to the last span starting at or before it.
    """
    starts = [lo for lo, _ in spans]
    out: list[list[Match]] = [[] for _ in spans]
    for m in matches:
        i = bisect_right(starts, m.start) - 1
        if i >= 0 and m.start < spans[i][1]:
            out[i].append(m)
    return out


def _side_near(
    sides: Sequence[Match], lo: int, hi: int, *, nearest_to: int | None = None
) -> Side | None:
    cands = [m for m in sides if lo <= m.start < hi and m.tag in _SIDE_TAG]
    if not cands:
        return None
    if nearest_to is not None:
        cands.sort(key=lambda m: abs(m.start - nearest_to))
    return _SIDE_TAG[cands[0].tag]


@dataclass(frozen=True, slots=True)
class _Sentence:
    start: int
    end: int
    actors: tuple[Actor, ...]
    stance: Literal["claim", "denial", "accusation"]
    accused: Side | None
    text: str


def _agent_sides(sides: Sequence[Match], signal: Sequence[Match], norm: str) -> list[Side]:
    """Sides named as the ones acting: "Azerbaijani units", "ВС Азербайджана", "Armenian fire".

    `sides` and `signal` are the side and signal matches of one sentence.
    """
    anchors = [m for m in signal if m.group in ("forces", "fire", "combat", "incursion")]
    out: list[Side] = []
    for s in sides:
        side = _SIDE_TAG.get(s.tag)
        if side is None:
            continue
        for a in anchors:
            before = 0 <= a.start - s.end <= 3  # "Azerbaijani forces", "Armenian fire"
            after = a.group == "forces" and 0 <= s.start - a.end <= 4  # "ВС Азербайджана"
            if (before or after) and side not in out:
                # "Armenian positions came under fire": a victim, not an agent
                gap = norm[s.end : a.start] if before else norm[a.end : s.start]
                if gap.strip() in ("", "s", "of", "of the"):
                    out.append(side)
    return out


def _resolve_actor(m: Match, sides: Sequence[Match], norm: str) -> tuple[Actor | None, str]:
    """The actor of an actor-layer match; ("", kind) when the country is still unknown."""
    if m.tag in _FIXED_ACTORS:
        return _FIXED_ACTORS[m.tag], ""
    for s in sides:
        gap_before = m.start - s.end
        gap_after = s.start - m.end
        if 0 <= gap_before <= 3 or (
            0 <= gap_after <= 5 and norm[m.end : s.start].strip() in ("", "of", "s", "of the")
        ):
            actor = _INST_ACTOR.get((s.tag, m.tag))
            if actor is not None:
                return actor, ""
    return None, m.tag


def _claim_source_side(sides: Sequence[Match], norm: str) -> Side | None:
    """A side named as the source of the claim being denied ("Baku's claim")."""
    for s in sides:
        if s.tag not in _SIDE_TAG:
            continue
        after = norm[s.end : s.end + 24].split()
        if after and after[0] == "s":
            after = after[1:]
        if any(w.startswith(_CLAIM_WORDS) for w in after[:2]):
            return _SIDE_TAG[s.tag]
        before = norm[max(0, s.start - 30) : s.start].split()
        if before and any(w.startswith(_CLAIM_WORDS) for w in before[-2:]):
            return _SIDE_TAG[s.tag]
    return None


def _sentences(
    text: str,
    norm: str,
    spans: list[tuple[int, int]],
    signal: list[Match],
    by_layer: dict[str, list[Match]],
    lang: str,
    place_side: Side | None = None,
) -> list[_Sentence]:
    out: list[_Sentence] = []
    signal_in = _per_span(signal, spans)
    sides_in = _per_span(by_layer.get("side", []), spans)
    actors_in = _per_span(by_layer.get("actor", []), spans)
    for (lo, hi), in_sig, sides, actor_matches in zip(
        spans, signal_in, sides_in, actors_in, strict=True
    ):
        groups = {m.group for m in in_sig}
        agents = _agent_sides(sides, in_sig, norm)
        enemy = "enemy" in groups
        denial = "denial" in groups
        actors: list[Actor] = []
        for am in actor_matches:
            actor, kind = _resolve_actor(am, sides, norm)
            if actor is None:
                own: Side | None = _LANG_SIDE.get(lang)
                if own is None and enemy and not denial:
                    own = place_side  # "the enemy fired at positions near <our village>"
                if own is None and denial:
                    source = _claim_source_side(sides, norm)
                    if source is not None:
                        own = _OTHER[source]
                    elif len(agents) == 1:
                        own = agents[0]
                if own is None and agents and not denial:
                    own = _OTHER[agents[0]]
                if own is None:
                    continue
                actor = _INST_ACTOR[(own, kind)]
            if actor not in actors:
                actors.append(actor)
        own_side = next((ACTOR_SIDE[a] for a in actors if a in ACTOR_SIDE), None)
        accused: Side | None = None
        stance: Literal["claim", "denial", "accusation"] = "claim"
        if denial:
            stance = "denial"
        else:
            others = [a for a in agents if a != own_side]
            if others:
                accused = others[0]
            elif enemy and own_side is not None:
                accused = _OTHER[own_side]
            violent = groups & {"fire", "combat", "incursion", "capture", "kill", "wound"}
            if accused is not None and violent:
                stance = "accusation"
        out.append(_Sentence(lo, hi, tuple(actors), stance, accused, " ".join(text[lo:hi].split())))
    return out


def _casualties(
    text: str,
    norm: str,
    tokens: Tokens,
    signal: list[Match],
    by_layer: dict[str, list[Match]],
    sentences: list[_Sentence],
    lang: str,
    default_actor: Actor,
) -> list[Casualties]:
    persons = by_layer.get("person", [])
    sides = by_layer.get("side", [])
    hits = [m for m in signal if m.group in ("kill", "wound")]
    agents = [m for m in signal if m.group in ("fire", "forces", "combat", "incursion")]
    records: dict[tuple[Side | None, str, Actor], dict[str, int | str | None]] = {}
    consumed = 0  # numbers before this offset were taken by an earlier casualty word
    for n, hit in enumerate(hits):
        sent = next((s for s in sentences if s.start <= hit.start < s.end), None)
        if sent is None:
            continue
        if norm[hit.start : hit.end].startswith(_AMBIGUOUS_KILL):
            continue
        field_name = "killed" if hit.group == "kill" else "wounded"
        # backwards: numbers between the previous casualty word (same sentence) and this one
        prev_end = max(sent.start, consumed)
        if n > 0 and hits[n - 1].end > prev_end:
            prev_end = hits[n - 1].end
        first = tokens.index_at(prev_end)
        last = tokens.index_before(hit.start)
        found: list[tuple[int, int]] = []  # (token index, value)
        for i in range(last, max(first, last - 8) - 1, -1):
            value = _number_at(tokens, i, text, lang)
            if value is None:
                continue
            if tokens.words[i] in ("a", "an", "մի") and not _person_after(tokens, i, persons):
                continue
            found.append((i, value))
        # forwards: "гибели семи военнослужащих", "killing three soldiers"
        if not found:
            start_i = tokens.index_at(hit.end)
            for i in range(start_i, min(start_i + 4, len(tokens.words))):
                if tokens.starts[i] >= sent.end:
                    break
                value = _number_at(tokens, i, text, lang)
                if value is not None and (
                    _person_after(tokens, i, persons) or tokens.words[i] == "another"
                ):
                    found.append((i, value))
                    consumed = tokens.ends[i]
                    break
        if not found:
            value = _singular(tokens, hit, persons, norm, sent)
            if value is None:
                continue
            found.append((tokens.index_at(hit.start), value))
        # the nearest number, plus coordinated ones ("four Armenian and three Azerbaijani")
        keep = [found[0]]
        for i, value in found[1:]:
            j = keep[-1][0]
            between = tokens.words[i + 1 : j]
            if any(w in ("and", "и", "և", "ve", "va", "ev", "et", "und") for w in between):
                keep.append((i, value))
        for i, value in keep:
            s0, s1 = tokens.starts[i], tokens.ends[i]
            side = _side_near(sides, s1, min(s1 + 25, hit.start + 1))
            if side is None and _own_word(norm, s0, s1):
                side = next((ACTOR_SIDE[a] for a in sent.actors if a in ACTOR_SIDE), None)
            if side is None:
                before = [
                    m
                    for m in sides
                    if max(sent.start, s0 - 60) <= m.start < s0 and m.tag in _SIDE_TAG
                ]
                if before:
                    near = max(before, key=lambda m: m.start)
                    side = _SIDE_TAG[near.tag]
                    if any(0 <= a.start - near.end <= 3 for a in agents):
                        side = _OTHER[side]  # "from Azerbaijani fire, a soldier died"
            if side is None:
                actor_side = next(
                    (ACTOR_SIDE[a] for a in sent.actors if a in ACTOR_SIDE), None
                ) or ACTOR_SIDE.get(default_actor)
                near_enemy = any(
                    m.group == "enemy" and abs(m.start - hit.start) < 60
                    for m in signal
                    if sent.start <= m.start < sent.end
                )
                if actor_side is not None:
                    side = _OTHER[actor_side] if near_enemy else actor_side
                elif lang in _LANG_SIDE:
                    side = _OTHER[_LANG_SIDE[lang]] if near_enemy else _LANG_SIDE[lang]
            kind = _kind_near(persons, s0, hit, sent)
            claimed: Actor = sent.actors[0] if sent.actors else default_actor
            key = (side, kind or "", claimed)
            rec = records.setdefault(
                key, {"killed": None, "wounded": None, "kind": kind, "evidence": ""}
            )
            old = rec[field_name]
            if not isinstance(old, int) or value > old:
                rec[field_name] = value
            ev_lo = min(s0, hit.start)
            ev_hi = max(hit.end, s1)
            snippet = " ".join(text[ev_lo:ev_hi].split())
            rec["evidence"] = f"{rec['evidence']} | {snippet}" if rec["evidence"] else snippet
    out: list[Casualties] = []
    for (side, _kind_key, claimed), rec in records.items():
        killed = rec["killed"] if isinstance(rec["killed"], int) else None
        wounded = rec["wounded"] if isinstance(rec["wounded"], int) else None
        kind_v = rec["kind"]
        kind_lit: CasualtyKind | None = (
            "servicemen"
            if kind_v == "servicemen"
            else "civilians"
            if kind_v == "civilians"
            else None
        )
        out.append(
            Casualties(
                killed=killed,
                wounded=wounded,
                side=side,
                kind=kind_lit,
                claimed_by=claimed,
                evidence=str(rec["evidence"]),
            )
        )
    return out


def _person_after(tokens: Tokens, i: int, persons: Sequence[Match]) -> bool:
    lo = tokens.ends[i]
    hi = tokens.ends[min(i + 3, len(tokens.ends) - 1)]
    return any(lo <= p.start <= hi for p in persons)


def _own_word(norm: str, s0: int, s1: int) -> bool:
    """ "12 of its soldiers", "its own", "наших", "մեր", "bizim" right after the number."""
    after = norm[s1 : s1 + 16].split()
    return bool(after) and (
        after[0] in ("its", "their", "our", "наших", "своих", "մեր", "bizim")
        or after[:2] in (["of", "its"], ["of", "their"], ["of", "our"])
    )


def _kind_near(
    persons: Sequence[Match], s0: int, hit: Match, sent: _Sentence
) -> CasualtyKind | None:
    near = [p for p in persons if sent.start <= p.start < sent.end]
    if not near:
        return None
    near.sort(key=lambda p: min(abs(p.start - s0), abs(p.start - hit.start)))
    tag = near[0].tag
    if tag == "servicemen":
        return "servicemen"
    if tag == "civilians":
        return "civilians"
    return None


_SINGULAR_VERB = re.compile(
    r"\b(?:погиб|погибла|убит|убита|скончался|ранен|ранена|смертельно ранен|"
    r"զոհվել է|մահացել է|սպանվել է|վիրավորվել է|մահացու վիրավորում է ստացել|"
    r"mortally wounded|fatally wounded|fatally wounding|was (?:\w+ )?killed|was wounded|"
    r"was injured|was (?:\w+ )?shot dead|died|dies|ubijen|poginuo)\b"
)
_SINGULAR_NOUN = re.compile(
    r"\b(?:a|an|one|the)\s+(?:\w+\s+){0,2}?(?:soldier|serviceman|conscript|officer|sergeant|"
    r"private|civilian|resident|villager|man|woman|boy|girl|reservist|contract soldier|driver)\b"
    r"|\b(?:junior sergeant|sergeant|private|conscript|lieutenant|soldier|serviceman)\s+[a-z]+"
    r"|\b(?:военнослужащий|контрактник|срочник|солдат|военный|житель|рядовой|сержант|офицер)\b"
    r"|\b(?:զինծառայող|զինվոր|շարքային|ժամկետային զինծառայող|պայմանագրային զինծառայող)\w*\b"
    r"|\b(?:esger|herbci|herbi qulluqcu|zabit|gizir)(?!ler|lar)\w*\b"
)


def _singular(
    tokens: Tokens, hit: Match, persons: Sequence[Match], norm: str, sent: _Sentence
) -> int | None:
    """1 when the casualty is one person ("a soldier was killed", "погиб контрактник")."""
    lo = max(sent.start, hit.start - 70)
    hi = min(sent.end, hit.end + 70)
    window = norm[lo:hi]
    verb_window = norm[max(sent.start, hit.start - 20) : min(sent.end, hit.end + 30)]
    if not _SINGULAR_VERB.search(verb_window) and not _SINGULAR_NOUN.search(window):
        return None
    if not any(lo <= p.start < hi for p in persons):
        return None
    # a plural noun next to the verb ("soldiers were killed") leaves the number unknown
    if re.search(
        r"\b(?:soldiers|servicemen|troops|civilians|военнослужащие|солдаты|"
        r"զինծառայողներ|զինվորներ|esgerler|herbciler)\b",
        window,
    ) and not re.search(r"\b(?:a|an|one)\s", window):
        return None
    return 1


def _event_date(
    text: str,
    tokens: Tokens,
    when: list[Match],
    published: datetime | None,
    spans: list[tuple[int, int]],
    signal: list[Match],
) -> tuple[datetime | None, str]:
    mentions = find_dates(text, tokens, when)
    if not mentions:
        return None, ""
    violent = [
        m.start
        for m in signal
        if m.group in ("fire", "combat", "kill", "wound", "capture", "incursion", "denial")
    ]

    def in_violent_sentence(start: int) -> bool:
        for lo, hi in spans:
            if lo <= start < hi:
                return any(lo <= v < hi for v in violent)
        return False

    ordered = sorted(mentions, key=lambda d: (not in_violent_sentence(d.start), d.start))
    for mention in ordered:
        day = resolve(mention, published)
        if day is not None:
            if published is not None and day > published + timedelta(days=2):
                continue
            return day, text[mention.start : mention.end]
    return None, ""


def extract_facts(
    text: str,
    norm: str,
    title_end: int,
    matches: Sequence[Match],
    lang: str,
    published: datetime | None,
    locations: Sequence[Location] = (),
) -> Facts:
    """All facts of one item. `text[:title_end]` is the title; `norm` is `normalize(text)`;
    `locations` (from the gazetteer) tell whose positions a terse "enemy fire" line is about."""
    facts = Facts()
    by_layer: dict[str, list[Match]] = {}
    for m in matches:
        by_layer.setdefault(m.layer, []).append(m)
    signal = by_layer.get("signal", [])
    spans = sentence_spans(text, title_end)

    for m in by_layer.get("weapon", []):
        if m.tag and m.tag not in facts.weapons:
            facts.weapons.append(m.tag)
            facts.weapon_evidence.append(text[m.start : m.end])

    countries = {loc.country for loc in locations if loc.kind in ("settlement", "district")}
    place_side: Side | None = None
    if countries == {"AM"}:
        place_side = "armenian"
    elif countries == {"AZ"}:
        place_side = "azerbaijani"
    sentences = _sentences(text, norm, spans, signal, by_layer, lang, place_side)
    for s in sentences:
        facts.accused.extend(
            a for a in ([s.accused] if s.accused else []) if a not in facts.accused
        )
    seen: set[tuple[str, str, str | None]] = set()
    for s in sentences:
        for actor in s.actors:
            key = (actor, s.stance, s.accused)
            if key in seen:
                continue
            seen.add(key)
            facts.claims.append(
                Claim(actor=actor, stance=s.stance, evidence=s.text[:300], accused=s.accused)
            )
    default_actor: Actor = facts.claims[0].actor if facts.claims else "media"
    if not facts.claims:
        violent = [s for s in sentences if s.stance != "claim" or s.accused]
        if violent or any(m.group in ("fire", "kill", "wound", "capture") for m in signal):
            first = violent[0] if violent else sentences[0] if sentences else None
            if first is not None:
                facts.claims.append(
                    Claim(
                        actor="media",
                        stance=first.stance,
                        evidence=first.text[:300],
                        accused=first.accused,
                    )
                )

    casualty_words = any(m.group in ("kill", "wound") for m in signal)
    # word tokens serve head counts and day numbers only; skip them when neither can occur
    tokens = Tokens(norm if casualty_words or _DIGIT.search(text) else "")
    if casualty_words:
        facts.casualties = _casualties(
            text, norm, tokens, signal, by_layer, sentences, lang, default_actor
        )
    facts.event_date, facts.date_evidence = _event_date(
        text, tokens, by_layer.get("when", []), published, spans, signal
    )
    if _CLOCK_HINT.search(text):
        facts.clock = [m.group() for m in _CLOCK.finditer(text)]
    for year, ev in find_years(text):
        facts.years.append(year)
        facts.year_evidence.append(ev)
    return facts


def _total_killed(casualties: Sequence[Casualties]) -> int:
    per_side: dict[str | None, int] = {}
    for c in casualties:
        if c.killed:
            per_side[c.side] = max(per_side.get(c.side, 0), c.killed)
    unknown = per_side.pop(None, 0)
    return max(sum(per_side.values()), unknown)


def grade_severity(
    facts: Facts,
    groups: set[str],
    published: datetime | None,
) -> tuple[Severity, str]:
    """Severity of an incident and the reason, from the facts and the war/no-casualty cues."""
    killed = _total_killed(facts.casualties)
    wounded = sum(c.wounded or 0 for c in facts.casualties)
    when = facts.event_date or published
    in_escalation = when is not None and any(lo <= when <= hi for lo, hi in ESCALATIONS)
    heavy = [w for w in facts.weapons if w in HEAVY_WEAPONS]
    violent = bool(groups & {"fire", "combat", "kill", "wound"})
    if killed >= 25 or ("war" in groups and killed >= 10):
        return "critical", f"{killed} killed"
    if in_escalation and violent:
        return "critical", f"during a known large-scale escalation ({when:%Y-%m-%d})"
    if "war" in groups and heavy and violent and ("kill" in groups or "wound" in groups):
        return "critical", "war-scale fighting with heavy weapons"
    if killed >= 2:
        return "high", f"{killed} killed"
    if heavy and violent:
        return "high", "heavy weapons: " + ", ".join(heavy)
    if killed == 1:
        return "medium", "one killed"
    if wounded:
        return "medium", f"{wounded} wounded"
    if "capture" in groups:
        return "medium", "capture or detention"
    if "damage" in groups and "civil_property" in groups:
        return "medium", "damage to civilian property"
    if (
        ("wound" in groups or "kill" in groups)
        and "no_casualties" not in groups
        and "denial" not in groups
    ):
        return "medium", "casualties reported"
    return "low", "fire or incursion without casualties"
