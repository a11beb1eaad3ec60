"""Whose people a casualty count are: the victims' side from the words around the count.

Rules, in this order (each a small function below; `casualties` applies them to each count):

- a side word in the count's own noun phrase ("two Armenian soldiers", "солдат ВС Армении");
  people of neither party (peacekeepers, monitors, journalists, foreigners) are no side's;
- "the enemy"/"the adversary" losing people: the other side of who speaks;
- a possessive of the speaker ("its servicemen", "наших", "մեր", "hərbçimiz");
- Azerbaijani "şəhid" (martyr): Azerbaijan's own dead;
- a count coordinated with one whose side is known ("two Armenian soldiers were killed and
  three wounded");
- "As a result, three were killed" after a sentence accusing a side: the other side;
- the speaker's side, when the speaker may voice it (`casualties._voiced`), nothing in the
  clause names another side as victim, the speaker's side is not named as the attacker and its
  own forces do not act in the sentence ("its units killed three soldiers");
- with no speaker, the other side of the one attacker named ("Azerbaijani shelling killed
  two"): a side is the attacker when forces, fire or a weapon follow it ("Azerbaijani
  drones"), when it is the cause ("as a result of the Azerbaijani operation"), not when its
  forces are the ones losing people ("Armenian forces were killed", "բանակում զոհերի");
- deaths a side says it inflicted ("destroyed 14 soldiers") take a side from their own words
  only; a count denied ("denied reports that two were killed") is no figure.
"""

from __future__ import annotations

import re
from typing import Literal, Protocol

from bot.classifier.counts import Doc
from bot.classifier.lexicon import Match, group_pattern
from bot.domain import ACTOR_SIDE, Actor, Side

__all__ = [
    "CLAUSE",
    "INFLICTED",
    "OTHER",
    "SIDE_TAG",
    "SPEECH_VERB",
    "Clause",
    "Voicing",
    "denied",
    "loser_side",
    "losses_owner",
    "referent_side",
    "victim_side",
]


# "destroyed 14 Azerbaijani soldiers", "уничтожены 14 азербайджанских солдат", "məhv edilib":
# deaths a side says it inflicted. Only the count's own words (a side, "the enemy") give them a
# side; never the speaker's.
INFLICTED = re.compile(
    r"\b(?:destroyed|eliminated|neutrali[sz]ed|уничтож\w+|ликвидирова\w+|нейтрализова\w+|"
    r"ոչնչացր\w+|ոչնչացվ\w+|mehv edil\w*|mehv etdi\w*|zererslesdiril\w*)"
)


# How a speaker may voice a count whose words name no side (see `casualties._voiced`).
Voicing = Literal["", "lead", "attack"]


class Clause(Protocol):
    """A sentence as the side reader needs it: its span, the side accused just before, the
    side whose territory its places are on."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def prior_accused(self) -> Side | None: ...

    @property
    def place_side(self) -> Side | None: ...


SIDE_TAG: dict[str, Side] = {
    "armenian": "armenian",
    "karabakh": "armenian",
    "azerbaijani": "azerbaijani",
}



OTHER: dict[Side, Side] = {"armenian": "azerbaijani", "azerbaijani": "armenian"}



CLAUSE = 60  # characters around a count in which another side named makes its side unclear



_AGENT_GROUPS = frozenset({"fire", "forces", "combat", "incursion"})



_OWN = frozenset({"its", "their", "our", "наших", "своих", "наши", "свои", "մեր", "bizim"})



# Azerbaijani first-person plural possessive on a person noun: "hərbçimiz", "əsgərlərimiz".
_AZ_OUR = re.compile(r"(?:imiz|imizden|imizin|umuz|lerimiz|larimiz)$")



# A sentence telling the outcome of the act told just before it.
_RESULT_OPENS = re.compile(
    r"\W*(?:as a result|as a consequence|в результате(?! \w+ (?:удар|обстрел|атак|нападени))|"
    r"вследствие этого|netice(?:de|sinde)|արդյունքում|հետևանքով)\b"
)



def denied(doc: Doc, sent: Clause, lo: int) -> bool:
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



def losses_owner(doc: Doc, hit: Match) -> Side | None:
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



# A speech verb: a voice speaks for what follows.
# The lexicon's speech verbs, with two the casualty reader also takes as a voice.
SPEECH_VERB = re.compile(group_pattern("speech") + r"|\b(?:confirmed|melumat yay\w*)\b")



def loser_side(doc: Doc, sent: Clause, lost: int, speaker: Side | None) -> Side | None:
    """The side of the subject of "lost" at `lost`: the last side named in the 40 characters
    before it, or the speaker's other side when "the enemy" is named after that side
    ("Минобороны Армении сообщило, что противник потерял пятерых": Azerbaijan's dead)."""
    floor = max(sent.start, lost - 40)
    enemy = [m.start for m in doc.signal if m.group == "enemy" and floor <= m.start < lost]
    named = [s.start for s in doc.sides if floor <= s.start < lost and s.tag in SIDE_TAG]
    if enemy and (not named or enemy[-1] > named[-1]):
        return OTHER[speaker] if speaker else None
    return referent_side(doc, sent, lost, within=40)


def referent_side(doc: Doc, sent: Clause, lo: int, within: int = 0) -> Side | None:
    """The side of the group "them" refers to, or of the subject of "lost": the last side named
    before `lo` in the sentence (`within` that many characters, when given)."""
    floor = max(sent.start, lo - within) if within else sent.start
    named = [s for s in doc.sides if floor <= s.start < lo and s.tag in SIDE_TAG]
    return SIDE_TAG[named[-1].tag] if named else None



def victim_side(
    doc: Doc,
    sent: Clause,
    claimant: Actor,
    span: tuple[int, int],
    hit: Match,
    carried: Side | None,
    voiced: Voicing,
) -> Side | None:
    """Whose casualties the count at text[span] are, or None when the text leaves it unclear.
    `voiced`: the sentence is in the lead and its speaker's side accuses the other in the
    item; when not, the side must come from the sentence's own words."""
    lo, hi = span
    speaker = ACTOR_SIDE.get(claimant)
    phrase = _noun_phrase(doc, sent, lo, hi, hit)
    named = _sides_in(doc, phrase[0], phrase[1], agents=None) or _owner_before(doc, sent, lo)
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
        before = max(0, sent.start - CLAUSE * 4)
        if not _sides_in(doc, sent.start, sent.end, agents=None) and not (
            _THIRD_PARTY_PEOPLE.search(doc.norm, before, sent.end)
        ):
            return OTHER[sent.prior_accused]  # "X fired on Y. As a result, three died."
    voice = speaker if voiced else None
    return _from_context(doc, sent, phrase, (voice, voiced == "attack"), speaker)


def _from_context(
    doc: Doc,
    sent: Clause,
    phrase: tuple[int, int],
    voicing: tuple[Side | None, bool],
    speaker: Side | None,
) -> Side | None:
    """The side of a count whose words name none: the voice's (the speaker's side when it may
    voice it), civilians' in a place that never changed hands, or the other side of the one
    attacker named; None when the clause names another side as the victims, the voice's own
    side or forces act, or people of neither party are named."""
    voice, needs_attack = voicing  # whether the voice holds only with an attack named
    lo = phrase[0]
    near_lo, near_hi = max(sent.start, lo - CLAUSE), min(sent.end, phrase[1] + CLAUSE)
    if _third_party(doc, near_lo, near_hi):
        return None  # "two Russian peacekeepers", "including a foreign journalist"
    victims = _sides_in(doc, near_lo, near_hi, agents=False)
    attackers = _sides_in(doc, sent.start, sent.end, agents=True)
    place = sent.place_side if _civilians(doc, phrase) else None
    if place is not None and (any(v != place for v in victims) or place in attackers):
        return None  # civilians of a place, another side named as the victims or attacker
    if speaker is not None:
        if any(v != speaker for v in victims) or speaker in attackers or voice is None:
            return place if voice is None and (attackers or sent.prior_accused) else None
        if _own_forces_act(doc, sent, phrase) or place not in (None, speaker):
            return None  # "its units killed three soldiers"; civilians of the other side's town
        if needs_attack and OTHER[speaker] not in attackers:
            return place  # past the lead, only a count of this attack ("... fired by ... killed")
        return speaker
    if place is not None and (attackers or sent.prior_accused):
        return place  # "a missile strike on Ganja killed seven civilians"
    if not victims and len(attackers) == 1:
        return OTHER[attackers[0]]  # "Azerbaijani shelling killed two soldiers"
    return None


def _civilians(doc: Doc, phrase: tuple[int, int]) -> bool:
    """Whether the count's own words name civilians ("seven civilians", "mülki şəxs")."""
    return any(
        phrase[0] <= p.start < phrase[1] + 1 and p.tag == "civilians" for p in doc.persons
    )



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



def _noun_phrase(doc: Doc, sent: Clause, lo: int, hi: int, hit: Match) -> tuple[int, int]:
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
            start = before[-1].start  # with the side word just before it: "Armenian soldier"
            adjective = [s for s in doc.sides if 0 <= start - s.end <= 2]
            return (adjective[-1].start if adjective else start), lo
    if person is None or person.start >= sent.end:
        end = hit.start if hit.start > hi else hi
        return lo, min(sent.end, end + 1)
    end = person.end
    for s in doc.sides:
        gap = doc.norm[person.end : s.start].split()
        if any(c in doc.text[person.end : s.start] for c in ",;:.()"):
            continue  # "killing one serviceman; Baku said": the next clause's subject
        if 0 <= s.start - person.end <= 40 and (not gap or (gap[0] == "of" and len(gap) <= 6)):
            end = max(end, s.end)
            break
    return lo, min(sent.end, end + 1)



# A side's possessive right before the count: "Armenia's four soldiers", "erməni tərəfinin 4
# hərbçisi", "հայկական կողմի չորս զինծառայող", "Ermənistan ordusunun 3 əsgəri".
_OWNER_GAP = re.compile(
    r"\s*(?:s|terefinin|ordusunun|qosunlarinin|կողմի|բանակի|զինուժի|стороны|армии)?\s*"
)


def _owner_before(doc: Doc, sent: Clause, lo: int) -> list[Side]:
    """The side whose possessive stands right before the count at `lo`, if any."""
    for s in doc.sides:
        if s.tag in SIDE_TAG and sent.start <= s.start and 0 <= lo - s.end <= 24:
            between = doc.text[s.end : lo]
            if _OWNER_GAP.fullmatch(doc.norm, s.end, lo) and not any(c in between for c in ",;:."):
                return [SIDE_TAG[s.tag]]
    return []


def _same_phrase(gap: str) -> bool:
    """Whether the words between a count and a person noun can qualify that noun ("two
    Armenian contract soldiers"): no clause break (";") and no second voice ("said")."""
    return ";" not in gap and SPEECH_VERB.search(gap.lower()) is None



# An army named as the owner of people ("Azərbaycan Ordusunun iki hərbçisi", "Azerbaijani army
# servicemen", "զինված ուժերի երկու զինծառայող"): its side is the people's, not an attacker's.
_PEOPLE_OF = re.compile(
    r"\s+(?:\w+\s+)?(?:servicem[ae]n|soldiers?|officers?|conscripts?|herbci\w*|esger\w*|"
    r"qulluqcu\w*|zabit\w*|военнослужащ\w*|солдат\w*|военн\w+\s+служащ\w*|"
    r"զինծառայող\w*|զինվոր\w*|սպա\w*)\b"
)


def _sides_in(doc: Doc, lo: int, hi: int, *, agents: bool | None) -> list[Side]:
    """Sides named between lo and hi, as attackers ("Azerbaijani forces", "Armenian fire")
    or, with agents=False, the others (None: all); each once, in order."""
    anchors = [
        m
        for m in doc.signal
        if m.group in _AGENT_GROUPS
        and lo <= m.start < hi + 20
        and not _suffering(doc, m)
        and not (m.group == "forces" and _PEOPLE_OF.match(doc.norm, m.end))
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
    # "düşmənin 5 hərbçisi məhv edilib": the verb of deaths inflicted is no act of the enemy's
    anchors = [
        m
        for m in doc.signal
        if m.group in _AGENT_GROUPS and not INFLICTED.match(doc.norm, m.start)
    ]
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



def _own_forces_act(doc: Doc, sent: Clause, phrase: tuple[int, int]) -> bool:
    """Whether the sentence has the speaker's own forces acting ("its units killed three
    soldiers", "our forces opened fire", "bölmələrimiz"): the count may be the people they hit."""
    # The sentence before counts too when this one names no side: "its forces shot down an
    # Armenian helicopter. The crew of two was killed" are the other side's dead, or unclear.
    lo = sent.start
    if not _sides_in(doc, sent.start, sent.end, agents=None):
        lo = _previous_start(doc.text, sent.start)
    for a in doc.signal:
        if a.group not in _AGENT_GROUPS or not lo <= a.start < sent.end:
            continue
        if phrase[0] <= a.start < phrase[1]:
            continue
        if _OWN_BEFORE.search(doc.norm, max(lo, a.start - 24), a.start):
            return True
        if doc.lang == "az" and _AZ_OUR.search(doc.norm[a.start : a.end + 8].split()[0]):
            return True
    return False



def _previous_start(text: str, start: int) -> int:
    """Where the sentence before `start` begins (after the last stop before it; `text` keeps
    the punctuation the normalised text drops, at the same offsets)."""
    lo = max(0, start - 300)
    stops = [i for i in range(lo, max(lo, start - 2)) if text[i] in ".!?։\n"]
    return stops[-1] + 1 if stops else lo


def _own_word(doc: Doc, s1: int, end: int) -> bool:
    """'12 of its soldiers', 'our serviceman', 'наших военных', 'hərbçimiz' after the count."""
    words = doc.norm[s1 : max(end, s1 + 16)].split()[:4]
    if any(w in _OWN for w in words):
        return True
    return doc.lang == "az" and any(_AZ_OUR.search(w) for w in words)

