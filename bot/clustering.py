"""One alert per incident: group reports of the same real event into incidents.

Pure and deterministic: no clock, no globals, no I/O of its own (the default `GazetteerAreas`
reads the bundled gazetteer once, through `default_gazetteer`; pass `areas_of` to avoid even
that). The pipeline owns a `Clusterer`, feeds it the incident items it classified (`add`),
restores it after a restart from the database (`seed`) and trims it (`expire`).
`cluster_batch` runs the same clustering over a batch for `borderwatch classify`.

Matching (see `Clusterer._score`). Evidence is weighed between the new report and each report
of an incident, and the best pair counts, so an incident does not grow more permissive as it
collects places and names:

1. **Time.** A report's time is the event date the classifier read in its text when that is
   plausible (at most `MAX_BACKDATE` before publication, not after it), else its publication
   time. Only incident reports within `window` of it count, before or after, so a report
   published earlier but arriving later still joins; an incident spans at most `max_span`.
   Same day scores 1, next day 0.5; two high or critical reports keep 0.5 for the whole window
   (heavy clashes go on, and are reported, for days).
2. **Places.** Compared on gazetteer ids and border sectors, never on spellings, so Сотк and
   Sotk agree. Only places on the border count: capitals in datelines ("YEREVAN, ...", "Baku
   says"), all-capital datelines and countries do not. A report's *primary* places are those
   named in its title (all of its places when the title names none). A shared place scores
   2.5, the same sector or a place within `NEIGHBOUR_KM` 1.5. Primary places that share neither
   with the incident veto the match, so two same-day events in different sectors stay apart.
   A province without a sector of its own (Syunik) is in every sector it touches.
3. **Facts.** The same casualty figure for the same side (+1, +0.5 for a lone death or for
   wounded), shared heavy weapons (+0.5), a denial by one side of what the other side claimed
   or accused (+1: a denial joins the claim it denies).
4. **Text.** Language-independent tokens (+0.75 each, at most +1.5): names transliterated to
   one Latin skeleton (Armenian, Cyrillic, Georgian, Azerbaijani Latin) and compared on their
   first six letters, so inflected forms agree, and numbers. Names the gazetteer resolved are
   left out (places count once), and so are the parties, capitals, ministries and months.
5. **Only event of the day.** When the report or the incident names no border place and no
   other incident lies within `_ALONE_GAP`, that counts +0.5 (+1 when either is high or
   critical): terse "the enemy fired at our positions" or "losses after the clash" items
   belong to the day's one event.
6. Explicit event dates more than a day apart count -2. A report joins the best-scoring
   incident when the score reaches `JOIN_SCORE` (2), else it opens a new incident.

**Wars.** While an incident is *critical* (the April 2016 war, the 2020 war, the 2022 and 2023
offensives), further critical reports join it whatever places they name as long as they keep
coming within `war_gap` of each other, and high-severity reports within `window` join it too:
one incident per war, whose alert is edited (within the follow-up bound) rather than one alert
per village or per day. Lower-severity reports in other sectors during a war stay separate.

Incidents are never merged after the fact: an alert already sent keeps its id. Reports are
idempotent per `item_id`.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, Literal, Protocol, cast, get_args

from bot.classifier.types import (
    ACTOR_SIDE,
    SEVERITIES,
    Casualties,
    Classification,
    Location,
    Severity,
    Side,
    Stance,
    severity_rank,
)

__all__ = [
    "CHANGES",
    "DEFAULT_MAX_FOLLOWUPS",
    "DEFAULT_MAX_REPLIES",
    "DEFAULT_MAX_SPAN",
    "DEFAULT_WAR_GAP",
    "DEFAULT_WINDOW",
    "ActorStatement",
    "AreaLookup",
    "Assignment",
    "CasualtyFigure",
    "Change",
    "Clusterer",
    "FollowupAction",
    "FollowupCounts",
    "GazetteerAreas",
    "IncidentView",
    "Report",
    "cluster_batch",
    "default_id",
    "followup_action",
]

Change = Literal[
    "other_side_statement",
    "casualties",
    "new_deaths",
    "new_place",
    "severity_up",
    "new_weapon",
    "denial",
]
CHANGES: Final[tuple[Change, ...]] = get_args(Change)
FollowupAction = Literal["alert", "edit", "edit_and_reply", "attach"]

# Changes worth a short reply under the edited alert, not only an edit.
REPLY_CHANGES: Final[frozenset[str]] = frozenset({"severity_up", "new_deaths"})

DEFAULT_WINDOW: Final = timedelta(days=3)
DEFAULT_MAX_SPAN: Final = timedelta(days=7)
DEFAULT_WAR_GAP: Final = timedelta(days=14)
DEFAULT_MAX_FOLLOWUPS: Final = 5
DEFAULT_MAX_REPLIES: Final = 2

# An event date further back than this is a reference to an older event, not this one's date.
MAX_BACKDATE: Final = timedelta(days=10)
NEIGHBOUR_KM: Final = 25.0
JOIN_SCORE: Final = 2.0

_PLACE_SAME: Final = 2.5  # a primary place of one is a place of the other
_PLACE_NEAR: Final = 1.5  # same sector, or primary places within NEIGHBOUR_KM
_WAR_SCORE: Final = 3.0
_MAJOR_TAIL: Final = 0.5  # time evidence, within the window, between two major reports
_ALONE_GAP: Final = timedelta(days=1.5)
_ALONE: Final = 0.5  # the only incident of the day, for a report that names no place
_ALONE_MAJOR: Final = 1.0  # the same when one of them is a major (high, critical) event
_BROAD_KINDS: Final = frozenset({"region", "country"})
_COARSE_KINDS: Final = frozenset({"region", "country", "province"})
_CRITICAL: Final = severity_rank("critical")
_HIGH: Final = severity_rank("high")
_HEAVY_WEAPONS: Final = frozenset({"mortar", "artillery", "drone", "rocket", "tank", "aircraft"})



# -------------------------------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class Report:
    """One classified incident item, as the clustering sees it."""

    item_id: str
    published: datetime  # UTC aware; the pipeline passes first-seen time when the feed gives none
    title: str
    summary: str
    source: str | None
    perspective: str | None  # the outlet's side, e.g. "Armenian state agency"; free text
    classification: Classification
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where `Clusterer.add` put a report and what the report adds to its incident."""

    incident_id: str
    created: bool
    changes: frozenset[str] = frozenset()  # values of `Change`; empty: nothing new
    action: FollowupAction = "attach"  # `followup_action` with the clusterer's bounds applied
    duplicate: bool = False  # the item was already assigned; nothing changed


@dataclass(frozen=True, slots=True)
class CasualtyFigure:
    """The highest figures one claimant gave for one side and kind."""

    side: Side | None
    kind: str | None
    claimed_by: str | None
    killed: int | None
    wounded: int | None


@dataclass(frozen=True, slots=True)
class ActorStatement:
    """What one actor said about the incident: its stances and whom it accused."""

    actor: str
    stances: tuple[Stance, ...]
    accused: tuple[Side, ...]


@dataclass(frozen=True, slots=True)
class IncidentView:
    """The merged view of one incident, for the formatter and the follow-up decision."""

    id: str
    first_published: datetime
    last_published: datetime
    event_start: datetime
    event_end: datetime
    report_ids: tuple[str, ...]
    location_ids: tuple[str, ...]
    sectors: tuple[str, ...]
    severity: Severity | None
    casualties: tuple[CasualtyFigure, ...]
    claims: tuple[ActorStatement, ...]
    weapons: tuple[str, ...]
    sources: tuple[str, ...]
    sides_heard: tuple[Side, ...]
    followups: int  # reports that added something after the first one, the latest included
    reply_worthy: int  # of which raised the severity or the deaths

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the view (datetimes as ISO 8601 strings)."""
        return {
            "id": self.id,
            "first_published": self.first_published.isoformat(),
            "last_published": self.last_published.isoformat(),
            "event_start": self.event_start.isoformat(),
            "event_end": self.event_end.isoformat(),
            "report_ids": list(self.report_ids),
            "location_ids": list(self.location_ids),
            "sectors": list(self.sectors),
            "severity": self.severity,
            "casualties": [
                {
                    "side": c.side,
                    "kind": c.kind,
                    "claimed_by": c.claimed_by,
                    "killed": c.killed,
                    "wounded": c.wounded,
                }
                for c in self.casualties
            ],
            "claims": [
                {"actor": c.actor, "stances": list(c.stances), "accused": list(c.accused)}
                for c in self.claims
            ],
            "weapons": list(self.weapons),
            "sources": list(self.sources),
            "sides_heard": list(self.sides_heard),
            "followups": self.followups,
            "reply_worthy": self.reply_worthy,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> IncidentView:
        """The view back from `to_json` output (as stored with the incident row)."""
        return cls(
            id=str(data["id"]),
            first_published=datetime.fromisoformat(data["first_published"]),
            last_published=datetime.fromisoformat(data["last_published"]),
            event_start=datetime.fromisoformat(data["event_start"]),
            event_end=datetime.fromisoformat(data["event_end"]),
            report_ids=tuple(data["report_ids"]),
            location_ids=tuple(data["location_ids"]),
            sectors=tuple(data["sectors"]),
            severity=cast("Severity | None", data["severity"]),
            casualties=tuple(
                CasualtyFigure(
                    side=cast("Side | None", c["side"]),
                    kind=c["kind"],
                    claimed_by=c["claimed_by"],
                    killed=c["killed"],
                    wounded=c["wounded"],
                )
                for c in data["casualties"]
            ),
            claims=tuple(
                ActorStatement(
                    actor=str(c["actor"]),
                    stances=tuple(cast("list[Stance]", c["stances"])),
                    accused=tuple(cast("list[Side]", c["accused"])),
                )
                for c in data["claims"]
            ),
            weapons=tuple(data["weapons"]),
            sources=tuple(data["sources"]),
            sides_heard=tuple(cast("list[Side]", data["sides_heard"])),
            followups=int(data["followups"]),
            reply_worthy=int(data["reply_worthy"]),
        )


class FollowupCounts(Protocol):
    """What `followup_action` reads of an incident, taken right after the report was added."""

    @property
    def followups(self) -> int: ...

    @property
    def reply_worthy(self) -> int: ...


AreaLookup = Callable[[Location], frozenset[str]]
"""The border sectors a location lies in or touches; empty when it says nothing about a sector."""


# ------------------------------------------------------------------------------------ pure helpers


def followup_action(
    assignment: Assignment,
    incident: FollowupCounts,
    *,
    max_followups: int = DEFAULT_MAX_FOLLOWUPS,
    max_replies: int = DEFAULT_MAX_REPLIES,
) -> FollowupAction:
    """What to do in Telegram for an assignment, given its incident's view right after `add`.

    "alert" for a new incident; "attach" (silently, as a further source) when the report adds
    nothing or is past the incident's `max_followups`-th follow-up; "edit_and_reply" when it
    raises the severity or the deaths and is among the first `max_replies` such reports; "edit"
    otherwise. `Clusterer.add` puts the same answer, with its own bounds, in `Assignment.action`.
    """
    if assignment.created:
        return "alert"
    if assignment.duplicate or not assignment.changes or incident.followups > max_followups:
        return "attach"
    if assignment.changes & REPLY_CHANGES and incident.reply_worthy <= max_replies:
        return "edit_and_reply"
    return "edit"


def default_id(report: Report) -> str:
    """A deterministic id: "inc-<event yyyymmdd>-<8 hex of the first report's id>"."""
    digest = hashlib.sha256(report.item_id.encode("utf-8")).hexdigest()[:8]
    return f"inc-{_event_time(report):%Y%m%d}-{digest}"


class GazetteerAreas:
    """Border sectors of locations, from the gazetteer (loaded on first use).

    A place with a sector is in that sector. A province, district or settlement without one
    (Syunik spans several) touches every sector that holds a place of its province. Countries
    and regions say nothing. A place the gazetteer does not know gets its country and province.
    """

    def __init__(self) -> None:
        self._by_admin: dict[tuple[str, str], frozenset[str]] | None = None

    def __call__(self, location: Location) -> frozenset[str]:
        """The sectors of one location."""
        from bot.classifier.gazetteer import default_gazetteer

        if location.kind in _BROAD_KINDS:
            return frozenset()
        gazetteer = default_gazetteer()
        if location.id not in gazetteer:
            return frozenset({f"{location.country}:{location.admin}".lower()})
        place = gazetteer.get(location.id)
        if place.sector:
            return frozenset({place.sector})
        if self._by_admin is None:
            by_admin: dict[tuple[str, str], set[str]] = {}
            for other in gazetteer.places:
                if other.sector:
                    by_admin.setdefault((other.country, other.admin), set()).add(other.sector)
            self._by_admin = {key: frozenset(value) for key, value in by_admin.items()}
        return self._by_admin.get((place.country, place.admin), frozenset())


def cluster_batch(reports: Iterable[Report], *, clusterer: Clusterer | None = None) -> list[str]:
    """Incident ids for a batch, in input order, clustered in publication order."""
    batch = list(reports)
    engine = clusterer if clusterer is not None else Clusterer()
    order = sorted(range(len(batch)), key=lambda i: (batch[i].published, batch[i].item_id))
    ids: dict[str, str] = {}
    for i in order:
        ids[batch[i].item_id] = engine.add(batch[i]).incident_id
    return [ids[r.item_id] for r in batch]


# ------------------------------------------------------------------------------------ text features

_TRANSLIT: Final[dict[str, str]] = {
    # Russian, Ukrainian
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "i",
    "є": "ye", "ґ": "g",
    # Armenian
    "ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "y", "թ": "t",
    "ժ": "zh", "ի": "i", "լ": "l", "խ": "kh", "ծ": "ts", "կ": "k", "հ": "h", "ձ": "dz", "ղ": "gh",
    "ճ": "ch", "մ": "m", "յ": "y", "ն": "n", "շ": "sh", "ո": "o", "չ": "ch", "պ": "p", "ջ": "j",
    "ռ": "r", "ս": "s", "վ": "v", "տ": "t", "ր": "r", "ց": "ts", "ւ": "v", "փ": "p", "ք": "k",
    "և": "ev", "օ": "o", "ֆ": "f",
    # Georgian
    "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t", "ი": "i",
    "კ": "k", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p", "ჟ": "zh", "რ": "r", "ს": "s",
    "ტ": "t", "უ": "u", "ფ": "p", "ქ": "k", "ღ": "gh", "ყ": "q", "შ": "sh", "ჩ": "ch", "ც": "ts",
    "ძ": "dz", "წ": "ts", "ჭ": "ch", "ხ": "kh", "ჯ": "j", "ჰ": "h",
    # Latin letters NFKD does not decompose
    "ə": "a", "ı": "i", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "dj", "ł": "l",
}  # fmt: skip
# Azerbaijani and Turkish spellings of the same sounds (Qubadlı = Gubadli, Cəbrayıl = Jabrayil).
_TRANSLIT_AZ: Final[dict[str, str]] = {
    "c": "j", "ç": "ch", "ş": "sh", "ğ": "gh", "x": "kh", "q": "g",
}  # fmt: skip
# Spelling variants folded into one skeleton, longest first.
_FOLDS: Final[tuple[tuple[str, str], ...]] = (
    ("shch", "s"), ("dzh", "j"), ("kh", "h"), ("gh", "g"), ("zh", "j"), ("dj", "j"),
    ("sh", "s"), ("ch", "c"), ("ts", "c"), ("tz", "c"), ("ou", "u"), ("ye", "e"),
    ("x", "h"), ("q", "g"), ("w", "v"), ("y", "i"),
)  # fmt: skip
_STEM: Final = 6  # tokens agree when their skeletons share this many first letters
_MIN_TOKEN: Final = 4
_TOKEN_RE: Final = re.compile(r"\w+", re.UNICODE)
# Before a sentence-initial word; an initial ("A. Torozyan") does not end a sentence.
_SENTENCE_BREAK_RE: Final = re.compile(r"(?:(?<!\b\w)[.!?]|[:;—–\-\"«»“”()])\s*$")
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
def _script_is_caseless(ch: str) -> bool:
    name = unicodedata.name(ch, "")
    return any(name.startswith(script) for script in _CASELESS_SCRIPTS)


@functools.lru_cache(maxsize=65536)
def _skeleton(token: str, lang: str) -> str:
    """A Latin skeleton of a token: transliterated, accents dropped, spelling variants folded."""
    az = lang in ("az", "tr")
    out: list[str] = []
    for ch in token.lower():
        if az and ch in _TRANSLIT_AZ:
            out.append(_TRANSLIT_AZ[ch])
            continue
        mapped = _TRANSLIT.get(ch)
        if mapped is not None:
            out.append(mapped)
            continue
        for part in unicodedata.normalize("NFKD", ch):
            if "a" <= part <= "z":
                out.append(part)
    # Armenian հ is often dropped in other languages (Harutyunyan, Арутюнян).
    text = "".join(out).removeprefix("h")
    for old, new in _FOLDS:
        text = text.replace(old, new)
    folded: list[str] = []
    for ch in text:
        if not folded or folded[-1] != ch:
            folded.append(ch)
    return "".join(folded)


_NOISE_STEMS: Final[frozenset[str]] = frozenset(
    _skeleton(word, "en")[:_STEM] for word in _NOISE_WORDS.split()
) | frozenset(_skeleton(word, "az")[:_STEM] for word in _NOISE_WORDS.split())


def _text_features(report: Report) -> frozenset[str]:
    """Name stems and numbers of a report, the way every language writes them."""
    lang = report.classification.lang
    matched = " ".join(loc.matched for loc in report.classification.locations).lower()
    features: set[str] = set()
    for text in (report.title.strip(), report.summary.strip()):
        for match in _TOKEN_RE.finditer(text):
            token = match.group()
            if token.isdecimal():  # not isdigit(): int() rejects "²"
                value = int(token)
                if value >= 3 and not 1900 <= value <= 2100:
                    features.add(f"#{value}")
                continue
            first = token[0]
            # no script below U+10A0 (Georgian) is caseless: most tokens skip the name lookup
            if not (first.isupper() or (first >= "\u10a0" and _script_is_caseless(first))):
                continue
            start = match.start()
            if start == 0 or _SENTENCE_BREAK_RE.search(text[max(0, start - 4) : start]):
                continue  # sentence-initial capitals say nothing about names
            if token.lower() in matched:
                continue  # a place the gazetteer resolved; places are compared by id
            stem = _skeleton(token, lang)[:_STEM]
            if len(stem) >= _MIN_TOKEN and stem not in _NOISE_STEMS and stem.isalpha():
                features.add(stem)
    return frozenset(features)


# ------------------------------------------------------------------------------- report features


def _event_time(report: Report) -> datetime:
    """The event date from the text when plausible, otherwise the publication time."""
    event = report.classification.event_date
    published = report.published
    if (
        event is not None
        and event.tzinfo is not None
        and published.tzinfo is not None
        and published - MAX_BACKDATE <= event <= published + timedelta(days=1)
    ):
        return event
    return published


def _explicit_date(report: Report) -> datetime | None:
    event = report.classification.event_date
    return event if event is not None and _event_time(report) == event else None


@dataclass(frozen=True, slots=True)
class _Features:
    """What matching and change detection read of one report, computed once."""

    time: datetime
    explicit_date: datetime | None
    severity: int
    location_ids: tuple[str, ...]  # border places, in order of mention
    specific_ids: frozenset[str]  # settlements, districts, features
    primary_specific: frozenset[str]
    areas: frozenset[str]  # border sectors
    primary_areas: frozenset[str]
    primary_points: tuple[tuple[float, float], ...]
    sides: frozenset[Side]  # sides that speak in the report
    denial_sides: frozenset[Side]
    claim_sides: frozenset[Side]  # sides that claim or accuse
    weapons: frozenset[str]
    heavy_weapons: frozenset[str]  # the heavy ones among `weapons`, compared for every pair
    casualties: tuple[Casualties, ...]
    tokens: frozenset[str]


def _side_of_perspective(perspective: str | None) -> Side | None:
    text = (perspective or "").lower()
    if "armen" in text:
        return "armenian"
    if "azerb" in text:
        return "azerbaijani"
    return None


def _features(report: Report, areas_of: AreaLookup) -> _Features:
    cls = report.classification
    title = report.title.lower()
    # Only places on the border say where an event was: capitals in datelines ("YEREVAN, ...",
    # "Baku says") and countries do not.
    # The same goes for an all-capital dateline such as "STEPANAKERT, ARTSAKHPRESS —".
    area_cache = {
        loc.id: areas_of(loc)
        for loc in cls.locations
        if loc.kind not in _BROAD_KINDS and not (len(loc.matched) > 3 and loc.matched.isupper())
    }
    locations = [loc for loc in cls.locations if area_cache.get(loc.id)]
    in_title = [loc for loc in locations if loc.matched and loc.matched.lower() in title]
    primary = in_title or locations

    def areas(locs: Iterable[Location]) -> frozenset[str]:
        return frozenset(a for loc in locs for a in area_cache[loc.id])

    def specific(locs: Iterable[Location]) -> frozenset[str]:
        return frozenset(loc.id for loc in locs if loc.kind not in _COARSE_KINDS)

    official = {ACTOR_SIDE[c.actor] for c in cls.claims if c.actor in ACTOR_SIDE}
    if not official and (side := _side_of_perspective(report.perspective)) is not None:
        official = {side}
    return _Features(
        time=_event_time(report),
        explicit_date=_explicit_date(report),
        severity=severity_rank(cls.severity),
        location_ids=tuple(loc.id for loc in locations),
        specific_ids=specific(locations),
        primary_specific=specific(primary),
        areas=areas(locations),
        primary_areas=areas(primary),
        primary_points=tuple(
            (loc.lat, loc.lon) for loc in primary if loc.kind not in _COARSE_KINDS
        ),
        sides=frozenset(official),
        denial_sides=frozenset(
            ACTOR_SIDE[c.actor]
            for c in cls.claims
            if c.stance == "denial" and c.actor in ACTOR_SIDE
        ),
        claim_sides=frozenset(
            ACTOR_SIDE[c.actor]
            for c in cls.claims
            if c.stance != "denial" and c.actor in ACTOR_SIDE
        ),
        weapons=frozenset(cls.weapons),
        heavy_weapons=frozenset(cls.weapons) & _HEAVY_WEAPONS,
        casualties=cls.casualties,
        tokens=_text_features(report),
    )


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


_Point = tuple[float, float]


@functools.lru_cache(maxsize=1 << 16)
def _near(a: _Point, b: _Point) -> bool:
    """Whether two points lie within `NEIGHBOUR_KM`.

    Cached: the points are gazetteer places, a few hundred, while a batch compares them
    hundreds of thousands of times.
    """
    return _km(a, b) <= NEIGHBOUR_KM


@functools.lru_cache(maxsize=1 << 16)
def _any_near(a: tuple[_Point, ...], b: tuple[_Point, ...]) -> bool:
    """Whether a point of `a` lies within `NEIGHBOUR_KM` of a point of `b` (cached likewise)."""
    return any(_near(p, q) for p in a for q in b)


# Time thresholds as timedeltas: comparing timedeltas is exact and cheaper than float days.
_ONE_DAY: Final = timedelta(days=1)
_TWO_DAYS: Final = timedelta(days=2)


# ------------------------------------------------------------------------------------- incidents

_SAMPLE_FIRST: Final = 4
_SAMPLE_LAST: Final = 12


@dataclass(slots=True)
class _Incident:
    """Mutable state of one incident inside a `Clusterer`."""

    id: str
    first_published: datetime
    last_published: datetime
    start: datetime
    end: datetime
    last_critical: datetime | None = None
    reports: dict[str, Report] = field(default_factory=dict)
    members: list[_Features] = field(default_factory=list)  # one per report, same order
    location_ids: dict[str, None] = field(default_factory=dict)  # ordered set
    specific_ids: set[str] = field(default_factory=set)
    areas: dict[str, None] = field(default_factory=dict)
    primary_areas: set[str] = field(default_factory=set)
    primary_points: set[tuple[float, float]] = field(default_factory=set)
    severity: int = 0
    figures: dict[tuple[Side | None, str | None, str | None], list[int | None]] = field(
        default_factory=dict
    )
    claims: dict[str, tuple[dict[Stance, None], dict[Side, None]]] = field(default_factory=dict)
    weapons: dict[str, None] = field(default_factory=dict)
    sources: dict[str, None] = field(default_factory=dict)
    sides: dict[Side, None] = field(default_factory=dict)
    denial_sides: set[Side] = field(default_factory=set)
    followups: int = 0
    reply_worthy: int = 0

    @property
    def war(self) -> bool:
        return self.severity >= _CRITICAL

    def gap(self, time: datetime) -> timedelta:
        """How far a time lies outside the incident's span (zero inside it)."""
        if time < self.start:
            return self.start - time
        if time > self.end:
            return time - self.end
        return timedelta(0)

    def killed_max(self, side: Side | None, kind: str | None) -> int:
        return self._max(side, kind, 0)

    def wounded_max(self, side: Side | None, kind: str | None) -> int:
        return self._max(side, kind, 1)

    def _max(self, side: Side | None, kind: str | None, index: int) -> int:
        # A figure without a side competes with every side's figures.
        values = [
            v[index] or 0
            for (s, k, _), v in self.figures.items()
            if (side is None or s == side or s is None) and (kind is None or k in (kind, None))
        ]
        return max(values, default=0)

    def view(self) -> IncidentView:
        return IncidentView(
            id=self.id,
            first_published=self.first_published,
            last_published=self.last_published,
            event_start=self.start,
            event_end=self.end,
            report_ids=tuple(self.reports),
            location_ids=tuple(self.location_ids),
            sectors=tuple(self.areas),
            severity=SEVERITIES[self.severity - 1] if self.severity else None,
            casualties=tuple(
                CasualtyFigure(side=s, kind=k, claimed_by=c, killed=v[0], wounded=v[1])
                for (s, k, c), v in self.figures.items()
            ),
            claims=tuple(
                ActorStatement(actor=a, stances=tuple(st), accused=tuple(acc))
                for a, (st, acc) in self.claims.items()
            ),
            weapons=tuple(self.weapons),
            sources=tuple(self.sources),
            sides_heard=tuple(self.sides),
            followups=self.followups,
            reply_worthy=self.reply_worthy,
        )


class Clusterer:
    """Assigns reports to incidents; holds only recent incidents (see `expire`).

    Not thread-safe; one per pipeline. All state can be rebuilt with `seed`.
    """

    def __init__(
        self,
        *,
        window: timedelta = DEFAULT_WINDOW,
        max_span: timedelta = DEFAULT_MAX_SPAN,
        war_gap: timedelta = DEFAULT_WAR_GAP,
        max_followups: int = DEFAULT_MAX_FOLLOWUPS,
        max_replies: int = DEFAULT_MAX_REPLIES,
        id_factory: Callable[[Report], str] | None = None,
        areas_of: AreaLookup | None = None,
    ) -> None:
        self.window = window
        self.max_span = max_span
        self.war_gap = war_gap
        self.max_followups = max_followups
        self.max_replies = max_replies
        self._id_factory = id_factory or default_id
        self._areas_of = areas_of or GazetteerAreas()
        self._incidents: dict[str, _Incident] = {}
        self._item_index: dict[str, str] = {}
        # Candidate lookup: incidents by the days their span covers, so a report is scored
        # only against incidents near it in time (wars, which match further out, always).
        self._by_day: dict[int, set[str]] = {}
        self._indexed: dict[str, tuple[int, int]] = {}
        self._wars: set[str] = set()
        self._opened: dict[str, int] = {}  # opening order, for deterministic tie-breaks

    # -- public API

    def add(self, report: Report) -> Assignment:
        """Put a report into the best matching incident, or open a new one."""
        known = self._item_index.get(report.item_id)
        if known is not None:
            return Assignment(incident_id=known, created=False, duplicate=True)
        feats = _features(report, self._areas_of)
        candidates = [(i, i.gap(feats.time)) for i in self._candidates(feats.time)]
        near = [i for i, gap in candidates if gap < _ALONE_GAP]
        alone = near[0] if len(near) == 1 else None
        best: _Incident | None = None
        best_key: tuple[float, datetime] | None = None
        for incident, gap in candidates:
            if gap > self.window and not (incident.war and feats.severity >= _CRITICAL):
                continue  # what `_score` would find first: too far, and no war to join
            score = self._score(incident, feats, gap, alone=incident is alone)
            if score is None or score < JOIN_SCORE:
                continue
            key = (score, incident.end)
            if best_key is None or key > best_key:
                best, best_key = incident, key
        if best is None:
            incident = self._open(report, feats)
            return Assignment(incident_id=incident.id, created=True, action="alert")
        return self._join(best, report, feats)

    def seed(self, incident_id: str, reports: Sequence[Report]) -> None:
        """Restore an incident after a restart from its stored reports.

        The reports join `incident_id` whatever the matching rules say; the follow-up counts are
        recomputed by replaying them in publication order, so the bound carries over a restart.
        Reports already known are skipped.
        """
        ordered = sorted(
            (r for r in reports if r.item_id not in self._item_index),
            key=lambda r: (r.published, r.item_id),
        )
        for report in ordered:
            feats = _features(report, self._areas_of)
            incident = self._incidents.get(incident_id)
            if incident is None:
                self._open(report, feats, incident_id=incident_id)
            else:
                self._join(incident, report, feats)

    def expire(self, now: datetime) -> tuple[str, ...]:
        """Forget incidents that can no longer take reports at `now`; return their ids."""
        gone = []
        for incident in self._incidents.values():
            keep = self.war_gap if incident.war else self.window
            latest = max(incident.end, incident.last_published)
            if latest + keep < now:
                gone.append(incident.id)
        for incident_id in gone:
            incident = self._incidents.pop(incident_id)
            self._unindex(incident_id)
            self._wars.discard(incident_id)
            self._opened.pop(incident_id, None)
            for item_id in incident.reports:
                self._item_index.pop(item_id, None)
        return tuple(gone)

    @property
    def retention(self) -> timedelta:
        """How long an incident can still take reports after its last one: what to reload."""
        return max(self.window, self.war_gap)

    def incident(self, incident_id: str) -> IncidentView:
        """The merged view of one incident; KeyError when unknown or expired."""
        return self._incidents[incident_id].view()

    def incident_of(self, item_id: str) -> str | None:
        """The incident an item was assigned to, if it is still held."""
        return self._item_index.get(item_id)

    @property
    def incident_ids(self) -> tuple[str, ...]:
        """Ids of the incidents held, oldest first."""
        return tuple(self._incidents)

    def __len__(self) -> int:
        return len(self._incidents)

    # -- internals

    def _candidates(self, time: datetime) -> list[_Incident]:
        """Incidents that could take a report at `time`, in the order they were opened."""
        first, last = _day(time - self.window), _day(time + self.window)
        ids: set[str] = set()
        for day in range(first, last + 1):
            ids.update(self._by_day.get(day, ()))
        ids.update(self._wars)
        incidents = self._incidents
        return [incidents[i] for i in sorted(ids, key=self._opened.__getitem__)]

    def _index(self, incident: _Incident) -> None:
        self._opened.setdefault(incident.id, len(self._opened))
        days = (_day(incident.start), _day(incident.end))
        if self._indexed.get(incident.id) != days:
            self._unindex(incident.id)
            for day in range(days[0], days[1] + 1):
                self._by_day.setdefault(day, set()).add(incident.id)
            self._indexed[incident.id] = days
        if incident.war:
            self._wars.add(incident.id)

    def _unindex(self, incident_id: str) -> None:
        days = self._indexed.pop(incident_id, None)
        if days is None:
            return
        for day in range(days[0], days[1] + 1):
            bucket = self._by_day.get(day)
            if bucket is not None:
                bucket.discard(incident_id)
                if not bucket:
                    del self._by_day[day]

    def _join(self, incident: _Incident, report: Report, feats: _Features) -> Assignment:
        changes = _changes(incident, feats, report)
        if changes:
            incident.followups += 1
        if changes & REPLY_CHANGES:
            incident.reply_worthy += 1
        _absorb(incident, report, feats)
        self._index(incident)
        self._item_index[report.item_id] = incident.id
        assignment = Assignment(incident_id=incident.id, created=False, changes=changes)
        action = followup_action(
            assignment, incident, max_followups=self.max_followups, max_replies=self.max_replies
        )
        return Assignment(incident_id=incident.id, created=False, changes=changes, action=action)

    def _open(
        self, report: Report, feats: _Features, *, incident_id: str | None = None
    ) -> _Incident:
        new_id = incident_id or self._id_factory(report)
        base, n = new_id, 1
        while new_id in self._incidents:
            n += 1
            new_id = f"{base}-{n}"
        incident = _Incident(
            id=new_id,
            first_published=report.published,
            last_published=report.published,
            start=feats.time,
            end=feats.time,
        )
        _absorb(incident, report, feats)
        self._incidents[new_id] = incident
        self._index(incident)
        self._item_index[report.item_id] = new_id
        return incident

    def _score(
        self, incident: _Incident, feats: _Features, gap: timedelta, *, alone: bool
    ) -> float | None:
        """How strongly a report belongs to an incident; None when it cannot.

        `gap` is `incident.gap(feats.time)`. `alone`: no other incident lies within `_ALONE_GAP`
        of the report. When one of the two names no border place, being the only event of the
        day stands in for place evidence.
        """
        if (
            incident.war
            and incident.last_critical is not None
            and feats.severity >= _CRITICAL
            and feats.time >= incident.start - self.window
            and feats.time - incident.last_critical <= self.war_gap
        ):
            return _WAR_SCORE + _time_score(gap)
        if gap > self.window:
            return None
        span = max(incident.end, feats.time) - min(incident.start, feats.time)
        if span > self.max_span and not incident.war:
            return None
        war_wide = incident.war and feats.severity >= _HIGH
        if not war_wide and not _places_compatible(incident, feats):
            return None
        best: float | None = None  # the best pair; the first of equal ones, as max() would
        for member in _sample(incident.members):
            if abs(member.time - feats.time) <= self.window:
                pair = _pair_score(member, feats)
                if pair is not None and (best is None or pair > best):
                    best = pair
        score = 0.0 if best is None else best
        if alone and (not feats.primary_areas or not incident.primary_areas):
            score += _ALONE_MAJOR if max(feats.severity, incident.severity) >= _HIGH else _ALONE
        return max(score, JOIN_SCORE) if war_wide else score


def _day(moment: datetime) -> int:
    return moment.toordinal()


def _sample(members: list[_Features]) -> list[_Features]:
    """The members a new report is compared with: the first reports and the latest ones.

    A busy incident collects hundreds of near-identical reports; comparing with all of them
    costs quadratic time and adds no evidence the first and latest do not already give.
    """
    if len(members) <= _SAMPLE_FIRST + _SAMPLE_LAST:
        return members
    return members[:_SAMPLE_FIRST] + members[-_SAMPLE_LAST:]


def _time_score(gap: timedelta) -> float:
    if gap < _ONE_DAY:
        return 1.0
    if gap < _TWO_DAYS:
        return 0.5
    return 0.0


def _places_compatible(incident: _Incident, feats: _Features) -> bool:
    """False when both name primary places and no sector or neighbourhood joins them."""
    if not feats.primary_areas or not incident.primary_areas:
        return True
    if (
        feats.primary_areas & incident.primary_areas
        or feats.primary_specific & incident.specific_ids
    ):
        return True
    return any(_near(a, b) for a in feats.primary_points for b in incident.primary_points)


def _pair_score(member: _Features, feats: _Features) -> float | None:
    """Evidence that a report tells of the same event as one report of an incident."""
    place = _place_score(member, feats)
    if place is None:
        return None
    time = _time_score(abs(member.time - feats.time))
    if member.severity >= _HIGH and feats.severity >= _HIGH:
        time = max(time, _MAJOR_TAIL)  # heavy clashes go on, and are reported, for days
    score = place + time
    # This runs for every pair of a batch (over a million for 20,000 undated items): the terms
    # below are tested cheaply first and skipped when they would add nothing.
    if member.casualties and feats.casualties:
        score += _casualty_score(member, feats)
    if not member.heavy_weapons.isdisjoint(feats.heavy_weapons):
        score += 0.5
    if _denies(feats, member) or _denies(member, feats):
        score += 1.0
    if not member.tokens.isdisjoint(feats.tokens):
        score += min(1.5, 0.75 * len(member.tokens & feats.tokens))
    if (
        member.explicit_date is not None
        and feats.explicit_date is not None
        and abs(member.explicit_date - feats.explicit_date) > _ONE_DAY
    ):
        score -= 2.0
    return score


def _place_score(member: _Features, feats: _Features) -> float | None:
    """Place evidence of a pair; None when both name primary places that cannot agree."""
    # isdisjoint: the same test as a non-empty intersection, without building the set
    if not (
        feats.primary_specific.isdisjoint(member.specific_ids)
        and member.primary_specific.isdisjoint(feats.specific_ids)
    ):
        return _PLACE_SAME
    if not feats.primary_areas or not member.primary_areas:
        return 0.0
    if not feats.primary_areas.isdisjoint(member.primary_areas):
        return _PLACE_NEAR
    if _any_near(feats.primary_points, member.primary_points):
        return _PLACE_NEAR
    return None


def _denies(denier: _Features, claimant: _Features) -> bool:
    """Whether one report denies what the other side claimed or accused in the other."""
    # "a denying side differs from a claiming side", without the pairwise loop: false only when
    # either set is empty or both hold the same single side
    denial, claim = denier.denial_sides, claimant.claim_sides
    return bool(denial) and bool(claim) and (len(denial) > 1 or denial != claim)


def _casualty_score(member: _Features, feats: _Features) -> float:
    """The same killed or wounded figure for the same side: strong when it is not a lone death."""
    score = 0.0
    for c in feats.casualties:
        for m in member.casualties:
            if c.side is not None and m.side is not None and c.side != m.side:
                continue
            if c.killed and m.killed == c.killed:
                score = max(score, 1.0 if c.killed >= 2 else 0.5)
            if c.wounded and m.wounded == c.wounded:
                score = max(score, 0.5)
    return score


def _changes(incident: _Incident, feats: _Features, report: Report) -> frozenset[str]:
    """What a report adds to an incident, before it is absorbed."""
    out: set[str] = set()
    cls = report.classification
    if incident.sides and feats.sides - set(incident.sides):
        out.add("other_side_statement")
    if feats.denial_sides - incident.denial_sides:
        out.add("denial")
    for c in cls.casualties:
        if c.killed and c.killed > incident.killed_max(c.side, c.kind):
            out.update(("casualties", "new_deaths"))
        if c.wounded and c.wounded > incident.wounded_max(c.side, c.kind):
            out.add("casualties")
    if feats.primary_specific - incident.specific_ids and incident.location_ids:
        out.add("new_place")
    if feats.severity > incident.severity:
        out.add("severity_up")
    if feats.weapons - set(incident.weapons):
        out.add("new_weapon")
    return frozenset(out)


def _absorb(incident: _Incident, report: Report, feats: _Features) -> None:
    """Add a report's facts to an incident."""
    cls = report.classification
    incident.reports[report.item_id] = report
    incident.first_published = min(incident.first_published, report.published)
    incident.last_published = max(incident.last_published, report.published)
    incident.start = min(incident.start, feats.time)
    incident.end = max(incident.end, feats.time)
    if feats.severity >= _CRITICAL:
        last = incident.last_critical
        incident.last_critical = feats.time if last is None else max(last, feats.time)
    incident.members.append(feats)
    for location_id in feats.location_ids:
        incident.location_ids.setdefault(location_id)
    incident.specific_ids |= feats.specific_ids
    for area in sorted(feats.areas):
        incident.areas.setdefault(area)
    incident.primary_areas |= feats.primary_areas
    incident.primary_points.update(feats.primary_points)
    incident.severity = max(incident.severity, feats.severity)
    for c in cls.casualties:
        key = (c.side, c.kind, c.claimed_by)
        old = incident.figures.get(key, [None, None])
        incident.figures[key] = [_max_opt(old[0], c.killed), _max_opt(old[1], c.wounded)]
    for claim in cls.claims:
        stances, accused = incident.claims.setdefault(claim.actor, ({}, {}))
        stances.setdefault(claim.stance)
        if claim.accused is not None:
            accused.setdefault(claim.accused)
    for weapon in cls.weapons:
        incident.weapons.setdefault(weapon)
    if report.source:
        incident.sources.setdefault(report.source)
    for side in sorted(feats.sides):
        incident.sides.setdefault(side)
    incident.denial_sides |= feats.denial_sides


def _max_opt(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)
