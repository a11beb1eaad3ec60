"""Casualty figures of the reported event: how many, on whose side, claimed by whom.

Rules (each a small function below):

- only event sentences count (`scope`): a number from a background sentence is never a figure;
- a figure is a head count (`numbers.count_at`) next to a casualty word ("two soldiers were
  killed", "гибели семи военнослужащих", "killing three"), or one person told in the singular
  ("a soldier was killed"); a count followed by "of them" is a part of a figure already read
  (a subtotal), not a figure of its own;
- the victim's side comes, in this order, from a side word in the number's own noun phrase
  ("two Armenian soldiers"), from "the enemy"/"the adversary" (the other side of who speaks),
  from a possessive ("its servicemen", "our", "наших", "մեր", "hərbçimiz": the speaker's side),
  then from who speaks when nothing in the sentence names the other side as victim. The side
  named as the attacker ("Azerbaijani fire", "Armenian forces") never gets the figure;
- when the side or the number stays unclear the figure is left out and a figure-less
  `Casualties` says that casualties were reported ("casualties reported, figures unclear").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.classifier.lexicon import Match
from bot.classifier.numbers import count_at
from bot.classifier.tokens import Tokens
from bot.classifier.types import Casualties
from bot.domain import ACTOR_SIDE, Actor, CasualtyKind, Side

__all__ = ["Said", "find_casualties"]

SIDE_TAG: dict[str, Side] = {
    "armenian": "armenian",
    "karabakh": "armenian",
    "azerbaijani": "azerbaijani",
}
OTHER: dict[Side, Side] = {"armenian": "azerbaijani", "azerbaijani": "armenian"}
# Casualty words that do not say killed or wounded: a report of losses, never a head count.
_AMBIGUOUS = ("casualt", "loss", "toll", "потер", "жертв", "կորուստ", "itki", "victim", "tələfat")
# One person first wounded and then dead: the wound words of such a sentence are that person's.
_DIED_OF_WOUNDS = re.compile(
    r"di(?:ed|es|ing) (?:of|from) (?:his |her |their )?(?:wounds|injuries)|"
    r"di(?:ed|es) in (?:the )?hospital|"
    r"succumbed|скончал\w* (?:в (?:госпитале|больнице)|от ран)|умер\w* (?:от ран|в больнице)|"
    r"վիրավորումներից մահաց|հիվանդանոցում մահաց|yaralarindan|xestexanada (?:vefat|dunyasini)"
)
_CLAUSE = 60  # characters around a count in which another side named makes its side unclear
_AGENT_GROUPS = frozenset({"fire", "forces", "combat", "incursion"})
_AND = frozenset({"and", "и", "և", "ve", "va", "ev", "et", "und"})
_OWN = frozenset({"its", "their", "our", "наших", "своих", "наши", "свои", "մեր", "bizim"})
# Azerbaijani first-person plural possessive on a person noun: "hərbçimiz", "əsgərlərimiz".
_AZ_OUR = re.compile(r"(?:imiz|imizden|imizin|umuz|lerimiz|larimiz)$")
# Words that may stand between a count and its casualty word without counting anything else.
_AUXILIARY = frozenset(
    {
        "were", "was", "are", "is", "have", "has", "had", "been", "being", "be", "of", "them",
        "whom", "more", "than", "at", "least", "people", "reported", "reportedly", "also",
        "others", "other", "said", "to", "suffered", "sustained", "received", "got",
        "было", "были", "был", "была", "еще", "ещё", "из", "них", "человек", "более", "не",
        "менее", "по", "меньшей", "мере", "получили", "получил", "получила", "получив",
        "է", "են", "էր", "էին", "ևս", "ավելի", "քան", "առնվազն", "ստացել",
        "nefer", "daha", "azi", "en", "olub", "alib", "aldi",
    }
)  # fmt: skip
# "X lost N soldiers": the count after it is X's dead.
_LOST = ("lost ", "потерял", "itirdi", "itirib", "կորցր")
_SUBTOTAL = re.compile(r"\s*(?:of them|of whom|из них|որոնցից|նրանցից|onlardan)\b")
# A count after one of these adds to a figure told elsewhere ("another 23", "ещё 23", "ևս 23"):
# an increment, not the figure.
_INCREMENT = frozenset({"another", "further", "additional", "ещё", "еще", "ևս", "daha", "yene"})
_SINGULAR_VERB = re.compile(
    r"\b(?:погиб|погибла|убит|убита|скончался|ранен|ранена|смертельно ранен|"
    r"զոհվել է|մահացել է|սպանվել է|վիրավորվել է|մահացու վիրավորում է ստացել|"
    r"mortally wounded|fatally wounded|fatally wounding|was (?:\w+ )?killed|was wounded|"
    r"was injured|was (?:\w+ )?shot dead|died|dies|ubijen|poginuo|helak olub|yaralanib|"
    r"sehid olub)\b"
)
_SINGULAR_NOUN = re.compile(
    r"\b(?:a|an|one|the)\s+(?:\w+\s+){0,2}?(?:soldier|serviceman|conscript|officer|sergeant|"
    r"private|civilian|resident|villager|man|woman|boy|girl|reservist|contract soldier|driver)\b"
    r"|\b(?:junior sergeant|sergeant|private|conscript|lieutenant|soldier|serviceman)\s+[a-z]+"
    r"|\b(?:военнослужащий|контрактник|срочник|солдат|военный|житель|рядовой|сержант|офицер)\b"
    r"|\b(?:զինծառայող|զինվոր|շարքային|սերժանտ)(?:ը|ն)?\b"
    r"|\b(?:esger|herbci|herbi qulluqcu|zabit|gizir)(?!ler|lar)\w*\b"
)
_PLURAL_NOUN = re.compile(
    r"\b(?:soldiers|servicemen|troops|civilians|men|people|officers|residents|villagers|"
    r"children|fighters|personnel|военнослужащие|военнослужащих|солдаты|люди|человек|жители|"
    r"զինծառայողներ|զինվորներ|բնակիչներ|վիրավորներ\w*|esgerler|herbciler|sakinler|nefer)\b"
)


@dataclass(frozen=True, slots=True)
class Said:
    """One sentence as the casualty reader needs it: where, who speaks, event or background."""

    start: int
    end: int
    speakers: tuple[tuple[int, Actor], ...]  # (where named, actor), in order
    event: bool

    def speaker_at(self, offset: int) -> Actor | None:
        """Who speaks for what the sentence says at `offset`: the last actor named before it
        ("..., while the Karabakh army said two of its soldiers were killed"), else the first."""
        before = [a for at, a in self.speakers if at <= offset]
        if before:
            return before[-1]
        return self.speakers[0][1] if self.speakers else None


@dataclass(frozen=True, slots=True)
class _Text:
    """The item's text and what the lexicon found in it."""

    text: str
    norm: str
    tokens: Tokens
    lang: str
    sides: Sequence[Match]
    persons: Sequence[Match]
    signal: Sequence[Match]


@dataclass(slots=True)
class _Figure:
    killed: int | None = None
    wounded: int | None = None
    kind: CasualtyKind | None = None
    evidence: str = ""
    singular: set[str] = field(default_factory=set)  # fields read from "a soldier was killed"
    died_of_wounds: bool = False


def find_casualties(
    text: str,
    norm: str,
    tokens: Tokens,
    by_layer: dict[str, list[Match]],
    sentences: Sequence[Said],
    lang: str,
    default_actor: Actor,
) -> tuple[list[Casualties], int]:
    """The event's casualty figures, one per (side, kind, claimant) (see the module rules),
    and the largest death count whose side stayed unclear: never shown as a figure, it still
    tells how grave the event is (severity)."""
    doc = _Text(
        text, norm, tokens, lang, by_layer.get("side", []), by_layer.get("person", []),
        by_layer.get("signal", []),
    )  # fmt: skip
    hits = [
        m
        for m in doc.signal
        if m.group in ("kill", "wound", "losses")
        or (m.group == "casualty_claim" and doc.norm.startswith(_LOST, m.start))
    ]
    figures: dict[tuple[Side | None, str, Actor], _Figure] = {}
    unattributed = 0
    counted: set[str] = set()  # casualty words already given a count ("kill", "wound")
    # the title last: a headline's number rounds or sums what the body tells exactly, so it
    # only stands where the body gives none for that side
    title = [s for s in sentences if s.start == 0][:1]
    for sent in [*[s for s in sentences if s.start != 0], *title]:
        if not sent.event:
            continue
        in_sent = [h for h in hits if sent.start <= h.start < sent.end]
        of_wounds = _DIED_OF_WOUNDS.search(doc.norm, sent.start, sent.end) is not None
        if of_wounds:  # "a soldier wounded on Monday died in hospital": one death, no wounded
            in_sent = [h for h in in_sent if h.group != "wound"]
        carried: Side | None = None
        for count in _counts(doc, sent, in_sent, counted):
            value, lo, hi, hit = count.value, count.start, count.end, count.hit
            if value is not None:
                counted.add(hit.group)
            claimant = sent.speaker_at(lo) or default_actor
            if count.of_them:
                side = _referent_side(doc, sent, lo)
            elif count.lost:
                side = _referent_side(doc, sent, hit.start, within=40)
            else:
                side = _victim_side(doc, sent, claimant, (lo, hi), hit, carried)
            carried = side
            if side is None:
                if value is not None and hit.group == "kill":
                    unattributed = max(unattributed, value)
                value = None  # whose they are is unclear: say casualties, not a number
            kind = _kind_near(doc.persons, lo, hit, sent)
            fig = figures.setdefault((side, kind or "", claimant), _Figure(kind=kind))
            fig.died_of_wounds |= of_wounds and hit.group == "kill"
            name = "wounded" if hit.group == "wound" else "killed"  # a toll of losses: the dead
            if sent.start == 0 and _body_gives(figures, side, name):
                value = None
            if value is not None:
                old = getattr(fig, name)
                setattr(fig, name, value if old is None else max(old, value))
                if count.singular and old is None:
                    fig.singular.add(name)
                elif not count.singular:
                    fig.singular.discard(name)
            snippet = " ".join(text[min(lo, hit.start) : max(hi, hit.end)].split())
            fig.evidence = f"{fig.evidence} | {snippet}" if fig.evidence else snippet
    _drop_parts(figures)
    return [
        Casualties(f.killed, f.wounded, side, f.kind, claimant, f.evidence, f.died_of_wounds)
        for (side, _, claimant), f in figures.items()
    ], unattributed


def _body_gives(
    figures: dict[tuple[Side | None, str, Actor], _Figure], side: Side | None, name: str
) -> bool:
    return any(k[0] == side and getattr(f, name) is not None for k, f in figures.items())


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


@dataclass(frozen=True, slots=True)
class _Count:
    value: int | None  # None: casualties without a number ("losses")
    start: int
    end: int
    hit: Match  # the casualty word
    singular: bool = False  # read from "a soldier was killed", no numeral
    of_them: bool = False  # "leaving five of them dead": the group named before
    lost: bool = False  # "Armenia lost four soldiers": the subject's dead


def _counts(
    doc: _Text, sent: Said, hits: Sequence[Match], counted: set[str]
) -> list[_Count]:
    """The count (or none) for each casualty word of a sentence; `counted` are the kinds of
    casualty words the item has already counted."""
    out: list[_Count] = []
    consumed = sent.start  # numbers before this offset were read with an earlier word
    for n, hit in enumerate(hits):
        word = doc.norm[hit.start : hit.end]
        if word == "olub":
            continue  # Azerbaijani "ölüb" (died) folds to "olub" (has been): not a casualty word
        if word.startswith(_LOST):
            lost = _count_after(doc, sent, hit)
            if lost is not None:
                i, value = lost
                s0, s1 = doc.tokens.starts[i], doc.tokens.ends[i]
                out.append(_Count(value, s0, s1, hit, lost=True))
                consumed = s1
            continue
        toll = _toll_count(doc, sent, hit)
        if toll is None and (word.startswith(_AMBIGUOUS) or hit.group == "losses"):
            out.append(_Count(None, hit.start, hit.end, hit))
            continue
        if toll is not None:
            i, value = toll
            out.append(_Count(value, doc.tokens.starts[i], doc.tokens.ends[i], hit))
            continue
        floor = max(consumed, hits[n - 1].end if n else sent.start)
        found = _counts_before(doc, floor, hit)
        if not found:
            after = _count_after(doc, sent, hit)
            if after is not None:
                found = [after]
                consumed = doc.tokens.ends[after[0]]
        if not found:
            one = _singular(doc, hit, sent)
            if one is None:
                continue
            out.append(_Count(one, hit.start, hit.end, hit, singular=True))
            continue
        for i, value in found:
            s0, s1 = doc.tokens.starts[i], doc.tokens.ends[i]
            if _SUBTOTAL.match(doc.norm, s1):
                if any(c.value for c in out):
                    continue  # "twelve killed, four of them overnight": part of that figure
                out.append(_Count(value, s0, s1, hit, of_them=True))
                continue
            if i > 0 and doc.tokens.words[i - 1] in _INCREMENT and _increment(hit, out, counted):
                continue  # "another 23 servicemen": the total is told elsewhere
            out.append(_Count(value, s0, s1, hit))
    return out


def _increment(hit: Match, out: Sequence[_Count], counted: set[str]) -> bool:
    """Whether "another N" adds to a total told elsewhere: not when it follows a count of
    another kind ("seven killed, another 33 wounded": the 33 are the wounded)."""
    before = {c.hit.group for c in out if c.value is not None} | counted
    return not (before - {hit.group})


_RISEN_TO = re.compile(
    r"\b(?:risen|rose|climbed|increased|reached|stands|stood|is|was|now)\s+(?:to|at)?\s*"
    r"|\b(?:возросло|выросло|достигло|составило|составляет)\s+(?:до\s+)?"
    r"|\b(?:հասել է|հասավ|կազմում է|կազմել է)\s+"
    r"|\b(?:catib|yukselib|teskil edir)\s+"
)
_UP_TO = re.compile(r"(?:\s+\S+){0,5}?\s+to\s+")  # "its losses over the past days to three"
_BRINGING = re.compile(r"\b(?:bringing|raising|taking|pushing)\s+(?:\w+\s+){0,2}$")


def _toll_count(doc: _Text, sent: Said, hit: Match) -> tuple[int, int] | None:
    """"The death toll has risen to 13", "bringing its losses to three": the count a toll is
    said to have reached (the total: a count of the same people beside it is a part)."""
    word = doc.norm[hit.start : hit.end]
    bringing = _BRINGING.search(doc.norm, max(sent.start, hit.start - 40), hit.start)
    if not (bringing or "toll" in word) and not doc.norm.startswith(
        ("число погибших", "число жертв", "զոհերի թիվ", "helak olanlarin sayi"), hit.start
    ):
        return None
    if bringing:
        m = _UP_TO.match(doc.norm, hit.end, min(sent.end, hit.end + 80))
    else:
        m = _RISEN_TO.search(doc.norm, hit.end, min(sent.end, hit.end + 120))
    if m is None:
        return None
    i = doc.tokens.index_at(m.end())
    if i < len(doc.tokens.words) and doc.tokens.starts[i] < sent.end:
        value = count_at(doc.tokens, i, doc.text, doc.lang)
        if value is not None:
            return i, value
    return None


def _counts_before(doc: _Text, floor: int, hit: Match) -> list[tuple[int, int]]:
    """The nearest count before a casualty word (within 8 words), with counts coordinated with
    it ("four Armenian and three Azerbaijani soldiers were killed"). A count must count people:
    a person noun follows it, or only auxiliaries stand between it and the casualty word
    ("16 dead", "five of them were killed"); "two landmine blasts that killed" is no count."""
    tokens = doc.tokens
    first, last = tokens.index_at(floor), tokens.index_before(hit.start)
    found: list[tuple[int, int]] = []
    for i in range(last, max(first, last - 8) - 1, -1):
        value = count_at(tokens, i, doc.text, doc.lang)
        if value is None:
            continue
        if tokens.words[i] in ("a", "an", "մի") and not _person_after(doc, i):
            continue
        if not _person_after(doc, i) and not _only_auxiliaries(tokens.words[i + 1 : last + 1]):
            continue
        found.append((i, value))
    keep = found[:1]
    for i, value in found[1:]:
        if any(w in _AND for w in tokens.words[i + 1 : keep[-1][0]]):
            keep.append((i, value))
    return keep


def _count_after(doc: _Text, sent: Said, hit: Match) -> tuple[int, int] | None:
    """A count right after the casualty word: "killing three soldiers", "гибели семи военных"."""
    tokens = doc.tokens
    start = tokens.index_at(hit.end)
    for i in range(start, min(start + 4, len(tokens.words))):
        if tokens.starts[i] >= sent.end:
            break
        value = count_at(tokens, i, doc.text, doc.lang)
        if value is not None and (_person_after(doc, i) or tokens.words[i] == "another"):
            return i, value
    return None


def _only_auxiliaries(words: Sequence[str]) -> bool:
    return all(w in _AUXILIARY for w in words)


def _person_after(doc: _Text, i: int) -> bool:
    lo = doc.tokens.ends[i]
    hi = doc.tokens.ends[min(i + 3, len(doc.tokens.ends) - 1)]
    return any(lo <= p.start <= hi for p in doc.persons)


def _singular(doc: _Text, hit: Match, sent: Said) -> int | None:
    """1 when the casualty is one person ("a soldier was killed", "погиб контрактник")."""
    lo, hi = max(sent.start, hit.start - 70), min(sent.end, hit.end + 70)
    window = doc.norm[lo:hi]
    verb_window = doc.norm[max(sent.start, hit.start - 20) : min(sent.end, hit.end + 30)]
    if not _SINGULAR_VERB.search(verb_window) and not _SINGULAR_NOUN.search(window):
        return None
    if not any(lo <= p.start < hi for p in doc.persons):
        return None
    # a plural noun next to the verb ("soldiers were killed") leaves the number unknown
    if _PLURAL_NOUN.search(window) and not re.search(r"\b(?:a|an|one)\s", window):
        return None
    return 1


def _referent_side(doc: _Text, sent: Said, lo: int, within: int = 0) -> Side | None:
    """The side of the group "them" refers to, or of the subject of "lost": the last side named
    before `lo` in the sentence (`within` that many characters, when given)."""
    floor = max(sent.start, lo - within) if within else sent.start
    named = [s for s in doc.sides if floor <= s.start < lo and s.tag in SIDE_TAG]
    return SIDE_TAG[named[-1].tag] if named else None


def _victim_side(
    doc: _Text,
    sent: Said,
    claimant: Actor,
    span: tuple[int, int],
    hit: Match,
    carried: Side | None,
) -> Side | None:
    """Whose casualties the count at text[span] are, or None when the text leaves it unclear."""
    lo, hi = span
    speaker = ACTOR_SIDE.get(claimant)
    phrase = _noun_phrase(doc, sent, lo, hi, hit)
    named = _sides_in(doc, phrase[0], phrase[1], agents=None)
    if len(named) == 1:
        return named[0]
    if named:
        return None
    if _enemy_in(doc, max(sent.start, lo - 30), min(sent.end, phrase[1] + 30)):
        return OTHER[speaker] if speaker else None
    if _own_word(doc, hi, phrase[1]):
        return speaker
    if carried is not None:
        return carried  # "two Armenian soldiers were killed and three wounded"
    near_lo, near_hi = max(sent.start, lo - _CLAUSE), min(sent.end, phrase[1] + _CLAUSE)
    victims = _sides_in(doc, near_lo, near_hi, agents=False)
    attackers = _sides_in(doc, sent.start, sent.end, agents=True)
    if speaker is not None:
        if any(v != speaker for v in victims) or speaker in attackers:
            return None
        return speaker
    if not victims and len(attackers) == 1:
        return OTHER[attackers[0]]  # "Azerbaijani shelling killed two soldiers"
    return None


def _noun_phrase(doc: _Text, sent: Said, lo: int, hi: int, hit: Match) -> tuple[int, int]:
    """The words that qualify the count: up to its person noun when one follows it ("two
    Armenian soldiers", with a genitive after it: "soldiers of the Armenian army", "солдат ВС
    Армении"), else up to the casualty word ("five Azerbaijani killed")."""
    person = next((p for p in doc.persons if hi <= p.start <= hi + 40), None)
    if person is None or person.start >= sent.end:
        end = hit.start if hit.start > hi else hi
        return lo, min(sent.end, end + 1)
    end = person.end
    for s in doc.sides:
        gap = doc.norm[person.end : s.start].split()
        if 0 <= s.start - person.end <= 40 and (not gap or (gap[0] == "of" and len(gap) <= 6)):
            end = max(end, s.end)
            break
    return lo, min(sent.end, end + 1)


def _sides_in(doc: _Text, lo: int, hi: int, *, agents: bool | None) -> list[Side]:
    """Sides named between lo and hi, as attackers ("Azerbaijani forces", "Armenian fire")
    or, with agents=False, the others (None: all); each once, in order."""
    anchors = [m for m in doc.signal if m.group in _AGENT_GROUPS and lo <= m.start < hi + 20]
    out: list[Side] = []
    for s in doc.sides:
        if not lo <= s.start < hi or s.tag not in SIDE_TAG or _compound(doc, s):
            continue
        is_agent = any(
            0 <= a.start - s.end <= 3 or (a.group == "forces" and 0 <= s.start - a.end <= 4)
            for a in anchors
        )
        side = SIDE_TAG[s.tag]
        if (agents is None or is_agent == agents) and side not in out:
            out.append(side)
    return out


_BY_BEFORE = re.compile(r"(?:\bby|\bfrom|со стороны|կողմից)(?: the)?\s*$")


def _compound(doc: _Text, s: Match) -> bool:
    """Half of "Armenian-Azerbaijani" or "Armenia-Azerbaijan": it names the border, no party."""
    return any(
        o is not s and o.tag in SIDE_TAG and SIDE_TAG[o.tag] != SIDE_TAG[s.tag]
        and (0 <= o.start - s.end <= 2 or 0 <= s.start - o.end <= 2)
        for o in doc.sides
    )


def _enemy_in(doc: _Text, lo: int, hi: int) -> bool:
    """'The enemy' named as the one losing people ("the adversary has one killed", "enemy
    losses"), not as the one firing ("killed by enemy sniper fire", "противник обстрелял")."""
    anchors = [m for m in doc.signal if m.group in _AGENT_GROUPS]
    for m in doc.signal:
        if m.group != "enemy" or not lo <= m.start < hi:
            continue
        if any(0 <= a.start - m.end <= 12 for a in anchors):
            continue
        if _BY_BEFORE.search(doc.norm, max(0, m.start - 16), m.start):
            continue
        return True
    return False


def _own_word(doc: _Text, s1: int, end: int) -> bool:
    """'12 of its soldiers', 'our serviceman', 'наших военных', 'hərbçimiz' after the count."""
    words = doc.norm[s1 : max(end, s1 + 16)].split()[:4]
    if any(w in _OWN for w in words):
        return True
    return doc.lang == "az" and any(_AZ_OUR.search(w) for w in words)


def _kind_near(persons: Sequence[Match], s0: int, hit: Match, sent: Said) -> CasualtyKind | None:
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
