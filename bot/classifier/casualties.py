"""Casualty figures of the reported event: how many, on whose side, claimed by whom.

Rules (each a small function below):

- only event sentences count (`scope`): a number from a background sentence is never a figure;
- a figure is a head count read by `counts` ("two soldiers were killed", "гибели семи
  военнослужащих", "a soldier was killed"); a subtotal ("five of them"), a part ("among the
  wounded are two children") or a sum ("killed and wounded") is no figure of its own;
- the victim's side comes, in this order, from a side word in the number's own noun phrase
  ("two Armenian soldiers"), from "the enemy"/"the adversary" (the other side of who speaks),
  from a possessive ("its servicemen", "our", "наших", "մեր", "hərbçimiz": the speaker's side),
  then from who speaks when nothing in the sentence names the other side as victim, and only
  in the title and lead (where wire copy tells the event) and when that speaker's side accuses
  the other in the item (a local shooting, a crash or an accident has no accuser; later
  paragraphs tell earlier incidents and the other side's account). The side named as the
  attacker ("Azerbaijani fire", "Armenian forces") never gets the figure;
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
from bot.domain import ACTOR_SIDE, Actor, CasualtyKind, Side

__all__ = ["OTHER", "SIDE_TAG", "SPEECH_VERB", "Said", "find_casualties", "tells_casualties"]

SIDE_TAG: dict[str, Side] = {
    "armenian": "armenian",
    "karabakh": "armenian",
    "azerbaijani": "azerbaijani",
}
OTHER: dict[Side, Side] = {"armenian": "azerbaijani", "azerbaijani": "armenian"}
# One person first wounded and then dead: the wound words of such a sentence are that person's.
_DIED_OF_WOUNDS = re.compile(
    r"di(?:ed|es|ing) (?:of|from) (?:his |her |their |a |the )?(?:\w+ )?(?:wounds?|injur(?:y|ies))|"
    r"di(?:ed|es) in (?:the )?hospital|"
    r"succumbed|скончал\w* (?:в (?:госпитале|больнице)|от ран)|умер\w* (?:от ран|в больнице)|"
    r"վիրավորումներից մահաց|հիվանդանոցում մահաց|yaralarindan|xestexanada (?:vefat|dunyasini)"
)
# Sentences (the title included) that make the lead of a report.
_LEAD = 3
_CLAUSE = 60  # characters around a count in which another side named makes its side unclear
_AGENT_GROUPS = frozenset({"fire", "forces", "combat", "incursion"})
_OWN = frozenset({"its", "their", "our", "наших", "своих", "наши", "свои", "մեր", "bizim"})
# Azerbaijani first-person plural possessive on a person noun: "hərbçimiz", "əsgərlərimiz".
_AZ_OUR = re.compile(r"(?:imiz|imizden|imizin|umuz|lerimiz|larimiz)$")
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
    for count in counts_in(doc, sent, in_sent, reading.counted):
        value, lo, hi, hit = count.value, count.start, count.end, count.hit
        if value is not None:
            reading.counted.add(hit.group)
        claimant = sent.speaker_at(lo) or reading.default_actor
        unvoiced = _other_voice(doc.norm, sent, lo)
        if unvoiced:  # "X said ..., and the Karabakh army said two of its troops ...":
            claimant, carried = "media", None  # a voice not named speaks for the count
        if count.part or unvoiced or _denied(doc, sent, min(lo, hit.start)):
            side = None  # a part, an unnamed voice's count, a count denied: no figure
        elif count.of_them:
            side = _referent_side(doc, sent, lo)
        elif count.lost:
            side = _referent_side(doc, sent, hit.start, within=40)
        elif value is None and (owner := _losses_owner(doc, hit)) is not None:
            side = owner  # "Azerbaijani losses were two dead": the counts after are theirs
        else:
            voiced = _voiced(sent, claimant, lead, reading.accusing)
            side = _victim_side(doc, sent, claimant, (lo, hi), hit, carried, voiced)
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


# A sentence telling the outcome of the act told just before it.
_RESULT_OPENS = re.compile(
    r"\W*(?:as a result|as a consequence|в результате(?! \w+ (?:удар|обстрел|атак|нападени))|"
    r"вследствие этого|netice(?:de|sinde)|արդյունքում|հետևանքով)\b"
)


def _denied(doc: Doc, sent: Said, lo: int) -> bool:
    """Whether the count at `lo` is denied: a denial or "no casualties" stands before it in
    its clause ("denied reports that two of its soldiers were killed", "опровергло сообщения
    о гибели двух своих военнослужащих"); a count denied is no figure, whoever's it would be.
    A denial after the count or past a ';' is about something else ("two were killed; the
    ministry denied opening fire")."""
    return any(
        m.group in ("denial", "no_casualties")
        and sent.start <= m.start < lo
        and ";" not in doc.text[m.end : lo]
        for m in doc.signal
    )


# "destroyed 14 Azerbaijani soldiers", "уничтожены 14 азербайджанских солдат", "məhv edilib":
# deaths a side says it inflicted. Only the count's own words (a side, "the enemy") give them a
# side; never the speaker's.
_INFLICTED = re.compile(
    r"\b(?:destroyed|eliminated|neutrali[sz]ed|уничтож\w+|ликвидирова\w+|нейтрализова\w+|"
    r"ոչնչացր\w+|ոչնչացվ\w+|mehv edil\w*|mehv etdi\w*|zererslesdiril\w*)"
)


def tells_casualties(norm: str, signal: Sequence[Match]) -> bool:
    """Whether the text has casualty words at all (deaths, wounds, losses, deaths inflicted)."""
    if any(m.group in ("kill", "wound", "losses") for m in signal):
        return True
    return _INFLICTED.search(norm) is not None


def _inflicted_hits(norm: str) -> list[Match]:
    """Casualty words of deaths inflicted ("destroyed"), as "kill" matches tagged so."""
    return [
        Match("kill", "signal", "inflicted", m.start(), m.end())
        for m in _INFLICTED.finditer(norm)
    ]


def _losses_owner(doc: Doc, hit: Match) -> Side | None:
    """The side whose losses a losses word names, when a side word stands right by it:
    "Azerbaijani losses", "потери азербайджанской стороны", "losses of the Armenian side",
    "Ermənistan tərəfinin itkiləri" (not "inflicted losses on Armenian units")."""
    if hit.group != "losses":
        return None
    for s in doc.sides:
        if s.tag not in SIDE_TAG:
            continue
        if 0 <= hit.start - s.end <= 2 or (
            0 <= hit.start - s.end <= 16 and _SIDE_NOUN.fullmatch(doc.norm, s.end, hit.start)
        ):
            return SIDE_TAG[s.tag]
        gap = doc.norm[hit.end : s.start]
        if 0 <= s.start - hit.end <= 8 and gap.strip() in ("", "of", "of the"):
            return SIDE_TAG[s.tag]
    return None


# "<side> side's": "Azərbaycan tərəfinin itkiləri", "հայկական կողմի կորուստները"
_SIDE_NOUN = re.compile(r"\s+(?:side s|terefin\w*|կողմի)\s+")


def _voiced(sent: Said, claimant: Actor, lead: bool, accusing: frozenset[Side]) -> bool:
    """Whether the speaker of a count may give it its own side when the count's words name
    none: in the title and lead when that speaker's side accuses the other in the item (a
    local shooting, a crash or an accident has no accuser); anywhere when the sentence names
    (or carries over, "it said") an official of one side as its speaker and the item tells
    hostilities (some side accuses the other): "a Karabakh official said 25 people had been
    killed", "the ombudsman said 138 people were wounded"."""
    side = ACTOR_SIDE.get(claimant)
    if side is None:
        return False
    if lead and side in accusing:
        return True
    return bool(accusing) and any(a == claimant for _, a in sent.speakers)


# A speech verb: a voice speaks for what follows.
SPEECH_VERB = re.compile(
    r"\b(?:said|says|stated|reported|claimed|announced|told|confirmed|"
    r"заяви\w*|сообщи\w*|утвержда\w*|bildir\w*|iddia ed\w*|melumat yay\w*|"
    r"հայտն\w*|հայտարար\w*)\b"
)


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


def _referent_side(doc: Doc, sent: Said, lo: int, within: int = 0) -> Side | None:
    """The side of the group "them" refers to, or of the subject of "lost": the last side named
    before `lo` in the sentence (`within` that many characters, when given)."""
    floor = max(sent.start, lo - within) if within else sent.start
    named = [s for s in doc.sides if floor <= s.start < lo and s.tag in SIDE_TAG]
    return SIDE_TAG[named[-1].tag] if named else None


def _victim_side(
    doc: Doc,
    sent: Said,
    claimant: Actor,
    span: tuple[int, int],
    hit: Match,
    carried: Side | None,
    voiced: bool,
) -> Side | None:
    """Whose casualties the count at text[span] are, or None when the text leaves it unclear.
    `voiced`: the sentence is in the lead and its speaker's side accuses the other in the
    item; when not, the side must come from the sentence's own words."""
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
    if hit.tag == "inflicted":
        return None  # "its units destroyed 14 soldiers": whose, only the words could say
    if _own_word(doc, hi, phrase[1]):
        return speaker
    if doc.lang == "az" and doc.norm.startswith("sehid", hit.start):
        return "azerbaijani"  # "şəhid olub": Azerbaijani writes martyrdom of its own dead only
    if carried is not None:
        return carried  # "two Armenian soldiers were killed and three wounded"
    if sent.prior_accused is not None and _RESULT_OPENS.match(doc.norm, sent.start):
        before = max(0, sent.start - _CLAUSE * 4)
        if not _sides_in(doc, sent.start, sent.end, agents=None) and not (
            _THIRD_PARTY_PEOPLE.search(doc.norm, before, sent.end)
        ):
            return OTHER[sent.prior_accused]  # "X fired on Y. As a result, three died."
    near_lo, near_hi = max(sent.start, lo - _CLAUSE), min(sent.end, phrase[1] + _CLAUSE)
    if _third_party(doc, near_lo, near_hi):
        return None  # "two Russian peacekeepers", "including a foreign journalist"
    victims = _sides_in(doc, near_lo, near_hi, agents=False)
    attackers = _sides_in(doc, sent.start, sent.end, agents=True)
    if speaker is not None:
        if any(v != speaker for v in victims) or speaker in attackers or not voiced:
            return None
        if _own_forces_act(doc, sent, phrase):
            return None  # "its units killed three soldiers": the speaker's side inflicted them
        return speaker
    if not victims and len(attackers) == 1:
        return OTHER[attackers[0]]  # "Azerbaijani shelling killed two soldiers"
    return None


# People of neither party: peacekeepers, monitors, journalists, foreigners.
_THIRD_PARTY_PEOPLE = re.compile(
    r"\b(?:peacekeep\w*|monitors?|observers?|journalists?|reporters?|"
    r"foreign\w*(?! ministr| affairs| office)|миротвор\w*|наблюдател\w*|журналист\w*|"
    r"иностран\w*(?! дел)|խաղաղապահ\w*|դիտորդ\w*|լրագրող\w*|օտարերկր\w*|"
    r"sulhmeraml\w*|musahideci\w*|jurnalist\w*|xarici(?! isler))"
)


def _third_party(doc: Doc, lo: int, hi: int) -> bool:
    """Whether the count's words name people of neither party ("two Russian peacekeepers",
    "an EU monitor", "a foreign journalist"): no speaker's or attacker's side is theirs."""
    if any(lo <= s.start < hi and s.tag not in SIDE_TAG for s in doc.sides):
        return True
    return _THIRD_PARTY_PEOPLE.search(doc.norm, lo, hi) is not None


def _noun_phrase(doc: Doc, sent: Said, lo: int, hi: int, hit: Match) -> tuple[int, int]:
    """The words that qualify the count: up to its person noun when one follows it ("two
    Armenian soldiers", with a genitive after it: "soldiers of the Armenian army", "солдат ВС
    Армении"), else up to the casualty word ("five Azerbaijani killed")."""
    person = next((p for p in doc.persons if hi <= p.start <= hi + 40), None)
    if person is not None and not _same_phrase(doc.text[hi : person.start]):
        person = None  # "two were killed; Baku said three of its soldiers": another clause
    if (person is None or person.start >= sent.end) and lo == hit.start:
        # one person told in the singular: the noun before the verb and what qualifies it
        # ("военнослужащий армянской армии погиб")
        before = [p for p in doc.persons if max(sent.start, lo - 40) <= p.start < lo]
        if before:
            return before[-1].start, lo
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


def _same_phrase(gap: str) -> bool:
    """Whether the words between a count and a person noun can qualify that noun ("two
    Armenian contract soldiers"): no clause break (";") and no second voice ("said")."""
    return ";" not in gap and SPEECH_VERB.search(gap.lower()) is None


def _sides_in(doc: Doc, lo: int, hi: int, *, agents: bool | None) -> list[Side]:
    """Sides named between lo and hi, as attackers ("Azerbaijani forces", "Armenian fire")
    or, with agents=False, the others (None: all); each once, in order."""
    anchors = [
        m
        for m in doc.signal
        if m.group in _AGENT_GROUPS and lo <= m.start < hi + 20 and not _suffering(doc, m)
    ]
    out: list[Side] = []
    for s in doc.sides:
        if not lo <= s.start < hi or s.tag not in SIDE_TAG or _compound(doc, s):
            continue
        if any(b.group == "border" and s.start <= b.start <= s.end + 3 for b in doc.signal):
            continue  # "60 km from the Armenian border": a place, no party's people
        is_agent = _cause(doc, s) or any(
            0 <= a.start - s.end <= 3 or (a.group == "forces" and 0 <= s.start - a.end <= 4)
            for a in [*anchors, *doc.weapons]  # "Azerbaijani drones", "армянской артиллерией"
        )
        side = SIDE_TAG[s.tag]
        if (agents is None or is_agent == agents) and side not in out:
            out.append(side)
    return out


# Between an army and its losses: "Armenian forces were killed", "армия понесла потери".
_SUFFERED = re.compile(r"\b(?:were|was|been|suffered|sustained|были|был|понес\w*|имеет)\b")
_VERB_FINAL = frozenset({"hy", "az"})


def _suffering(doc: Doc, anchor: Match) -> bool:
    """Whether forces named are the ones losing people, not acting: a casualty word follows
    them closely, as a noun of loss in Armenian and Azerbaijani ("Արցախի պաշտպանության
    բանակում զոհերի թիվը", "bölmələrimizin itkisi") or after a passive or "suffered"
    elsewhere ("Armenian forces were killed"; not "Azerbaijani forces killed two")."""
    if anchor.group != "forces":
        return False
    for h in doc.signal:
        if h.group not in ("kill", "wound", "losses") or not 0 <= h.start - anchor.end <= 24:
            continue
        if doc.lang in _VERB_FINAL or _SUFFERED.search(doc.norm, anchor.end, h.start):
            return True
    return False


# A side named as the cause: "as a result of the Azerbaijani operation", "в результате
# азербайджанской операции", "Azərbaycanın hərbi əməliyyatları nəticəsində".
_CAUSE_BEFORE = re.compile(r"(?:\bas a result of|в результате|в ходе)\s+(?:the\s+)?$")
_CAUSE_AFTER = re.compile(r"(?:\s+\w+){0,3}?\s+(?:neticesinde|հետևանքով)\b")


def _cause(doc: Doc, s: Match) -> bool:
    """Whether the side is named as what caused the casualties (an attacker)."""
    if _CAUSE_BEFORE.search(doc.norm, max(0, s.start - 24), s.start):
        return True
    return _CAUSE_AFTER.match(doc.norm, s.end, s.end + 60) is not None


_BY_BEFORE = re.compile(r"(?:\bby|\bfrom|со стороны|կողմից)(?: the)?\s*$")


def _compound(doc: Doc, s: Match) -> bool:
    """Half of "Armenian-Azerbaijani" or "Armenia-Azerbaijan": it names the border, no party."""
    return any(
        o is not s
        and o.tag in SIDE_TAG
        and SIDE_TAG[o.tag] != SIDE_TAG[s.tag]
        and (0 <= o.start - s.end <= 2 or 0 <= s.start - o.end <= 2)
        for o in doc.sides
    )


def _enemy_in(doc: Doc, lo: int, hi: int) -> bool:
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


# A possessive of the speaker's side just before a forces or fire word: "its troops", "our
# units", "наши подразделения", "մեր ստորաբաժանումները", "bizim bölmələr".
_OWN_BEFORE = re.compile(
    r"\b(?:its|our|their|наш\w*|сво\w+|его|իր|մեր|bizim|oz)\s+(?:\w+\s+)?$"
)


def _own_forces_act(doc: Doc, sent: Said, phrase: tuple[int, int]) -> bool:
    """Whether the sentence has the speaker's own forces acting ("its units killed three
    soldiers", "our forces opened fire", "bölmələrimiz"): the count may be the people they hit."""
    for a in doc.signal:
        if a.group not in _AGENT_GROUPS or not sent.start <= a.start < sent.end:
            continue
        if phrase[0] <= a.start < phrase[1]:
            continue
        if _OWN_BEFORE.search(doc.norm, max(sent.start, a.start - 24), a.start):
            return True
        if doc.lang == "az" and _AZ_OUR.search(doc.norm[a.start : a.end + 8].split()[0]):
            return True
    return False


def _own_word(doc: Doc, s1: int, end: int) -> bool:
    """'12 of its soldiers', 'our serviceman', 'наших военных', 'hərbçimiz' after the count."""
    words = doc.norm[s1 : max(end, s1 + 16)].split()[:4]
    if any(w in _OWN for w in words):
        return True
    return doc.lang == "az" and any(_AZ_OUR.search(w) for w in words)


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
