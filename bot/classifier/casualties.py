"""Casualty figures of the reported event: how many, on whose side, claimed by whom.

Rules (each a small function below):

- only event sentences count (`scope`): a number from a background sentence is never a figure;
- a figure is a head count read by `counts` ("two soldiers were killed", "гибели семи
  военнослужащих", "a soldier was killed", "destroyed 14 soldiers"); a subtotal ("five of
  them"), a part ("among the wounded are two children", "25 people, including two
  civilians") or a sum ("killed and wounded") is no figure of its own;
- whose people they are is `victims`' reading of the words around the count. Who speaks gives
  the side only when the count's words name none and the speaker may voice it (`_voiced`): in
  the title and lead when that speaker's side accuses the other in the item (wire copy tells
  the event there); anywhere when the sentence names (or carries over: "it said", "its
  Foreign Ministry", see `voices`) an official of one side as its speaker and the item tells
  hostilities (a local shooting, a crash or an accident has no accuser);
- figures merge per (side, kind, claimant): a count restated or raised keeps the larger,
  groups of one kind counted by one casualty word add up ("two workers and four police
  officers"), a death told in the singular beside a count of that side is one of them, a
  headline's number yields to the body's unless it is a ministry's own count beside the other
  side's estimate;
- when the side or the number stays unclear the figure is left out and a figure-less
  `Casualties` says that casualties were reported ("casualties reported, figures unclear").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.classifier.counts import LOST, Count, Doc, counts_in
from bot.classifier.lexicon import Match
from bot.classifier.tokens import Tokens
from bot.classifier.types import Casualties
from bot.classifier.victims import (
    INFLICTED,
    OTHER,
    SIDE_TAG,
    SPEECH_VERB,
    Voicing,
    denied,
    loser_side,
    losses_owner,
    referent_side,
    victim_side,
)
from bot.domain import ACTOR_SIDE, Actor, CasualtyKind, Side

__all__ = ["OTHER", "SIDE_TAG", "SPEECH_VERB", "Said", "find_casualties", "tells_casualties"]

# One person first wounded and then dead: the wound words of such a sentence are that person's.
_DIED_OF_WOUNDS = re.compile(
    r"di(?:ed|es|ing) (?:of|from) (?:his |her |their |a |the )?(?:\w+ )?(?:wounds?|injur(?:y|ies))|"
    r"di(?:ed|es) in (?:the )?hospital|"
    r"succumbed|(?:скончал|умер)\w* (?:в (?:госпитале|больнице)|от (?:полученных )?ран)|"
    r"(?:վիրավորումներից|վնասվածքներից) մահաց|հիվանդանոցում մահաց|"
    r"yaralar(?:in)?dan|xestexanada (?:vefat|dunyasini)"
)
# Sentences (the title included) that make the lead of a report.
_LEAD = 3
@dataclass(frozen=True, slots=True)
class Said:
    """One sentence as the casualty reader needs it: where, who speaks, event or background."""

    start: int
    end: int
    speakers: tuple[tuple[int, Actor], ...]  # (where named, actor), in order
    event: bool
    # the side the sentence before accuses of an act: "As a result, three were killed" tells
    # that act's victims
    prior_accused: Side | None = None
    # the side on whose territory all the places the sentence names lie, when that territory
    # has never changed hands (`held.held_side`): civilians there are that side's
    place_side: Side | None = None

    def speaker_at(self, offset: int) -> Actor | None:
        """Who speaks for what the sentence says at `offset`: the last actor named before it
        ("..., while the Karabakh army said two of its soldiers were killed"), else the first."""
        before = [a for at, a in self.speakers if at <= offset]
        if before:
            return before[-1]
        return self.speakers[0][1] if self.speakers else None


@dataclass(slots=True)
class _Figure:
    killed: int | None = None
    wounded: int | None = None
    kind: CasualtyKind | None = None
    evidence: str = ""
    singular: set[str] = field(default_factory=set)  # fields read from "a soldier was killed"
    died_of_wounds: bool = False
    # where the casualty word of each field's count stands: groups of one side counted with
    # one word ("killed two workers and four police officers") add up
    word_at: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class _Reading:
    """What reading one item's casualty sentences builds up, and what it goes by."""

    doc: Doc
    default_actor: Actor
    accusing: frozenset[Side]
    figures: dict[tuple[Side | None, str, Actor], _Figure] = field(default_factory=dict)
    unattributed: int = 0  # the largest death count whose side stayed unclear
    counted: set[str] = field(default_factory=set)  # casualty words already given a count


def find_casualties(
    text: str,
    norm: str,
    tokens: Tokens,
    by_layer: dict[str, list[Match]],
    sentences: Sequence[Said],
    lang: str,
    default_actor: Actor,
    accusing: frozenset[Side] = frozenset(),
) -> tuple[list[Casualties], int]:
    """The event's casualty figures, one per (side, kind, claimant) (see the module rules;
    `accusing`: the sides that accuse the other in the item, see `_voiced`), and the
    largest death count whose side stayed unclear: never shown as a figure, it still tells
    how grave the event is (severity)."""
    doc = Doc(
        text, norm, tokens, lang, by_layer.get("side", []), by_layer.get("person", []),
        by_layer.get("signal", []), by_layer.get("weapon", []),
    )  # fmt: skip
    hits = [
        m
        for m in doc.signal
        if m.group in ("kill", "wound", "losses")
        or (m.group == "casualty_claim" and doc.norm.startswith(LOST, m.start))
    ]
    hits = sorted([*hits, *_inflicted_hits(norm)], key=lambda m: m.start)
    reading = _Reading(doc, default_actor, accusing)
    # the title last: a headline's number rounds or sums what the body tells exactly, so it
    # only stands where the body gives none for that side
    title = [s for s in sentences if s.start == 0][:1]
    # the title and lead tell the event (wire style): there a count whose words name no side
    # is the speaker's side's (named or the item's); past the lead, where earlier incidents
    # and the other side's account are told, the sentence must name its own speaker
    lead = {id(s) for s in sentences[:_LEAD]}
    for sent in [*[s for s in sentences if s.start != 0], *title]:
        if sent.event:
            in_sent = [h for h in hits if sent.start <= h.start < sent.end]
            _read_sentence(reading, sent, in_sent, id(sent) in lead)
    _drop_parts(reading.figures)
    return [
        Casualties(f.killed, f.wounded, side, f.kind, claimant, f.evidence, f.died_of_wounds)
        for (side, _, claimant), f in reading.figures.items()
    ], reading.unattributed


def _read_sentence(reading: _Reading, sent: Said, in_sent: list[Match], lead: bool) -> None:
    """Add the counts of one event sentence (its casualty words `in_sent`) to `reading`."""
    doc = reading.doc
    of_wounds = _DIED_OF_WOUNDS.search(doc.norm, sent.start, sent.end) is not None
    if of_wounds:  # "a soldier wounded on Monday died in hospital": one death, no wounded
        in_sent = [h for h in in_sent if h.group != "wound"]
    carried: Side | None = None
    before: tuple[int, Actor | None] = (sent.start, None)  # the last count's end and voice
    for count in counts_in(doc, sent, in_sent, reading.counted):
        value, lo, hi, hit = count.value, count.start, count.end, count.hit
        if value is not None:
            reading.counted.add(hit.group)
        claimant = _claimant(doc.text, sent, lo) or reading.default_actor
        if claimant != before[1] or ";" in doc.text[before[0] : min(lo, hit.start)]:
            carried = None  # "one Armenian soldier killed; Baku reports a wounded soldier"
        before = (max(hi, hit.end), claimant)
        unvoiced = _other_voice(doc.norm, sent, lo)
        if unvoiced:  # "X said ..., and the Karabakh army said two of its troops ...":
            claimant, carried = "media", None  # a voice not named speaks for the count
        if count.part or unvoiced or denied(doc, sent, min(lo, hit.start)):
            side = None  # a part, an unnamed voice's count, a count denied: no figure
        elif count.of_them:
            side = referent_side(doc, sent, lo)
        elif count.lost:
            side = loser_side(doc, sent, hit.start, ACTOR_SIDE.get(claimant))
        elif value is None and (owner := losses_owner(doc, hit)) is not None:
            side = owner  # "Azerbaijani losses were two dead": the counts after are theirs
        else:
            voiced = _voiced(sent, claimant, lead, reading.accusing)
            side = victim_side(doc, sent, claimant, (lo, hi), hit, carried, voiced)
        carried = side
        if side is None:
            if value is not None and hit.group == "kill":
                reading.unattributed = max(reading.unattributed, value)
            value = None  # whose they are is unclear: say casualties, not a number
        _add(reading, sent, count, (side, claimant, value), of_wounds)


def _add(
    reading: _Reading,
    sent: Said,
    count: Count,
    whose: tuple[Side | None, Actor, int | None],
    of_wounds: bool,
) -> None:
    """Record one count (side, claimant, value; value None: casualties without a figure)."""
    doc, (side, claimant, value), hit = reading.doc, whose, count.hit
    lo, hi = count.start, count.end
    kind = _kind_near(doc.persons, (lo, hi), hit, sent)
    fig = reading.figures.setdefault((side, kind or "", claimant), _Figure(kind=kind))
    fig.died_of_wounds |= of_wounds and hit.group == "kill"
    name = "wounded" if hit.group == "wound" else "killed"  # a toll of losses: the dead
    if sent.start == 0 and _body_gives(reading.figures, (side, claimant, value), name):
        value = None
    if value is not None:
        old = getattr(fig, name)
        if old is not None and fig.word_at.get(name) == hit.start:
            value += old  # "two workers and four police officers were killed": six
        setattr(fig, name, value if old is None else max(old, value))
        fig.word_at[name] = hit.start
        if count.singular and old is None:
            fig.singular.add(name)
        elif not count.singular:
            fig.singular.discard(name)
    snippet = " ".join(doc.text[min(lo, hit.start) : max(hi, hit.end)].split())
    fig.evidence = f"{fig.evidence} | {snippet}" if fig.evidence else snippet


def tells_casualties(norm: str, signal: Sequence[Match]) -> bool:
    """Whether the text has casualty words at all (deaths, wounds, losses, deaths inflicted)."""
    if any(m.group in ("kill", "wound", "losses") for m in signal):
        return True
    return INFLICTED.search(norm) is not None


def _inflicted_hits(norm: str) -> list[Match]:
    """Casualty words of deaths inflicted ("destroyed"), as "kill" matches tagged so."""
    return [
        Match("kill", "signal", "inflicted", m.start(), m.end())
        for m in INFLICTED.finditer(norm)
    ]


def _claimant(text: str, sent: Said, lo: int) -> Actor | None:
    """Who speaks for the count at `lo`: `Said.speaker_at`, except a speaker named only after
    a ':' or ';' that follows the count is not its voice ("At least seven died: Armenia
    reported four ...": the seven are the outlet's sum, not Armenia's)."""
    if any(at <= lo for at, _ in sent.speakers):
        return sent.speaker_at(lo)
    after = [at for at, _ in sent.speakers if at > lo]
    if after and any(c in text[lo : after[0]] for c in ":;"):
        return "media"
    return sent.speaker_at(lo)


def _voiced(sent: Said, claimant: Actor, lead: bool, accusing: frozenset[Side]) -> Voicing:
    """Whether the speaker of a count may give it its own side when the count's words name
    none: "lead" in the title and lead when that speaker's side accuses the other in the item
    (a local shooting, a crash or an accident has no accuser); "attack" past the lead when the
    sentence names (or carries over, "it said") an official of one side as its speaker and the
    item tells hostilities: then the sentence must also name the other side attacking ("an
    artillery shell fired by Armenian forces killed ..."), since past the lead earlier events,
    running totals and the other side's account are told (measured: without that condition
    the rule added more wrong figures than right ones on the held-out articles); "" else."""
    side = ACTOR_SIDE.get(claimant)
    if side is None:
        return ""
    if lead and side in accusing:
        return "lead"
    if accusing and any(a == claimant for _, a in sent.speakers):
        return "attack"
    return ""


def _other_voice(norm: str, sent: Said, lo: int) -> bool:
    """Whether a second speech verb stands between the last named speaker and the count: a
    second voice the lexicon did not name speaks for it, not the one named."""
    named = [at for at, _ in sent.speakers if at <= lo]
    start = named[-1] if named else sent.start
    return len(SPEECH_VERB.findall(norm, start, lo)) >= 2


def _body_gives(
    figures: dict[tuple[Side | None, str, Actor], _Figure],
    whose: tuple[Side | None, Actor, int | None],
    name: str,
) -> bool:
    """Whether the body gives the title's figure (side, killed or wounded): the same number
    in any voice, or any number in the title's side's voice, or any voice's when the title
    names none of a side (the other side's estimate of the same losses does not replace a
    ministry's own count in its headline)."""
    side, claimant, value = whose
    voice = ACTOR_SIDE.get(claimant)
    return any(
        k[0] == side
        and getattr(f, name) is not None
        and (voice is None or ACTOR_SIDE.get(k[2]) == voice or getattr(f, name) == value)
        for k, f in figures.items()
    )


def _drop_parts(figures: dict[tuple[Side | None, str, Actor], _Figure]) -> None:
    """One person told in the singular ("the woman died") where the report also counts that
    side's dead with a numeral is one of them, not one more: keep the count only."""
    counted = {
        (side, name)
        for (side, _, _), f in figures.items()
        for name in ("killed", "wounded")
        if getattr(f, name) is not None and name not in f.singular
    }
    for (side, _, _), f in figures.items():
        for name in tuple(f.singular):
            if (side, name) in counted:
                setattr(f, name, None)
                f.singular.discard(name)


def _kind_near(
    persons: Sequence[Match], span: tuple[int, int], hit: Match, sent: Said
) -> CasualtyKind | None:
    """Soldiers or civilians: the person noun right after the count ("two civilians"), else
    the one nearest to the count or its casualty word."""
    s0, s1 = span
    near = [p for p in persons if sent.start <= p.start < sent.end]
    if not near:
        return None
    own = [p for p in near if 0 <= p.start - s1 <= 30]
    near.sort(key=lambda p: min(abs(p.start - s0), abs(p.start - hit.start)))
    tag = (own or near)[0].tag
    if tag == "servicemen":
        return "servicemen"
    if tag == "civilians":
        return "civilians"
    return None
