"""Head counts: which number, if any, a casualty word in a sentence has.

Rules (each a small function below), applied to one sentence at a time:

- a count is a number (`numbers.count_at`: every written form, never a model name, age, date
  or time) next to a casualty word ("two soldiers were killed", "гибели семи военнослужащих",
  "killing three"), or one person told in the singular ("a soldier was killed");
- a count must count people: a person noun follows it, or only auxiliaries stand between it
  and the casualty word ("16 dead"); "two landmine blasts that killed" is no count;
- "the death toll has risen to 13" gives the total; "another 23" adds to a total told
  elsewhere; "five of them" is a part of the group named before (a subtotal);
- "among the wounded are two children" is a part of a group (severity only), "30 killed and
  wounded" a sum of two figures (neither); losses and casualties without a number say that
  there were some.

Which side the counted people are on is `casualties`' business.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.classifier.lexicon import Match
from bot.classifier.numbers import count_at
from bot.classifier.tokens import Tokens

__all__ = ["LOST", "Count", "Doc", "Span", "counts_in"]

# Casualty words that do not say killed or wounded: a report of losses, never a head count.
_AMBIGUOUS = ("casualt", "loss", "toll", "потер", "жертв", "կորուստ", "itki", "victim", "tələfat")
_AND = frozenset({"and", "и", "և", "ve", "va", "ev", "et", "und"})
# Words that may stand between a count and its casualty word without counting anything else.
_AUXILIARY = frozenset(
    {
        "were", "was", "are", "is", "have", "has", "had", "been", "being", "be", "of", "them",
        "whom", "more", "than", "at", "least", "people", "reported", "reportedly", "also",
        "others", "other", "said", "to", "suffered", "sustained", "received", "got",
        "было", "были", "был", "была", "еще", "ещё", "из", "них", "человек", "более", "не",
        "менее", "по", "меньшей", "мере", "получили", "получил", "получила", "получив",
        "է", "են", "էր", "էին", "ևս", "ավելի", "քան", "առնվազն", "ստացել",
        "nefer", "neferin", "nefere", "daha", "azi", "en", "olub", "alib", "aldi",
    }
)  # fmt: skip
# "X lost N soldiers": the count after it is X's dead.
LOST = ("lost ", "потерял", "itirdi", "itirib", "կորցր")
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
    r"\b(?:a|an|one|the)\s+(?:\w+\s+){0,3}?(?:soldier|serviceman|conscript|officer|sergeant|"
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


class Span(Protocol):
    """A sentence: where it starts and ends in the text."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Doc:
    """The item's text and what the lexicon found in it."""

    text: str
    norm: str
    tokens: Tokens
    lang: str
    sides: Sequence[Match]
    persons: Sequence[Match]
    signal: Sequence[Match]
    weapons: Sequence[Match] = ()


@dataclass(frozen=True, slots=True)
class Count:
    value: int | None  # None: casualties without a number ("losses")
    start: int
    end: int
    hit: Match  # the casualty word
    singular: bool = False  # read from "a soldier was killed", no numeral
    of_them: bool = False  # "leaving five of them dead": the group named before
    lost: bool = False  # "Armenia lost four soldiers": the subject's dead
    part: bool = False  # "two children among the wounded": a part, tells severity only


def counts_in(doc: Doc, sent: Span, hits: Sequence[Match], counted: set[str]) -> list[Count]:
    """The count (or none) for each casualty word of a sentence; `counted` are the kinds of
    casualty words the item has already counted."""
    out: list[Count] = []
    consumed = sent.start  # numbers before this offset were read with an earlier word
    for n, hit in enumerate(hits):
        word = doc.norm[hit.start : hit.end]
        if word == "olub":
            continue  # Azerbaijani "ölüb" (died) folds to "olub" (has been): not a casualty word
        if doc.norm.startswith(LOST, hit.start):
            lost = _count_after(doc, sent, hit)
            if lost is not None:
                i, value = lost
                s0, s1 = doc.tokens.starts[i], doc.tokens.ends[i]
                summed = _LOST_SUM.match(doc.norm, s1, sent.end) is not None
                out.append(Count(None if summed else value, s0, s1, hit, lost=True))
                consumed = s1
            continue
        if _sum_of_kinds(doc, hit):
            out.append(Count(None, hit.start, hit.end, hit))
            continue  # "30 killed and wounded": neither figure
        if _among(doc, hit):  # "among the wounded are two children": a part of the group
            found = _counts_before(doc, max(consumed, sent.start), hit.start)
            after = _count_after(doc, sent, hit)
            for i, value in found or ([after] if after else []):
                out.append(Count(value, doc.tokens.starts[i], doc.tokens.ends[i], hit, part=True))
            continue
        toll = _toll_count(doc, sent, hit)
        if toll is None and (word.startswith(_AMBIGUOUS) or hit.group == "losses"):
            out.append(Count(None, hit.start, hit.end, hit))
            continue
        if toll is not None:
            i, value = toll
            out.append(Count(value, doc.tokens.starts[i], doc.tokens.ends[i], hit))
            continue
        floor = max(consumed, hits[n - 1].end if n else sent.start)
        found = _counts_before(doc, floor, hit.start)
        if not found:
            after = _count_after(doc, sent, hit)
            if after is not None:
                found = [after, *_coordinated_after(doc, sent, after[0])]
                consumed = doc.tokens.ends[found[-1][0]]
        kin = None if found else _named_and_kin(doc, sent, hit)
        if kin is not None:
            out.append(kin)
            continue
        if not found:
            one = _singular(doc, hit, sent)
            if one is not None:
                out.append(Count(one, hit.start, hit.end, hit, singular=True))
            continue
        _add_found(doc, (floor, hit), _whole_before_part(doc, floor, found), out, counted)
    return out


def _add_found(
    doc: Doc,
    where: tuple[int, Match],
    found: Sequence[tuple[int, int]],
    out: list[Count],
    counted: set[str],
) -> None:
    """Add the counts found for one casualty word (`where`: the floor of the search and the
    word) to `out`: parts, subtotals and increments marked or left out."""
    floor, hit = where
    for i, value in found:
        s0, s1 = doc.tokens.starts[i], doc.tokens.ends[i]
        if _INCLUDING.search(doc.norm, max(floor, s0 - 24), s0):
            out.append(Count(value, s0, s1, hit, part=True))
            continue  # "25 people, including two civilians, were killed": a part
        if _SUBTOTAL.match(doc.norm, s1):
            if any(c.value for c in out):
                continue  # "twelve killed, four of them overnight": part of that figure
            out.append(Count(value, s0, s1, hit, of_them=True))
            continue
        if i > 0 and doc.tokens.words[i - 1] in _INCREMENT and _increment(hit, out, counted):
            continue  # "another 23 servicemen": the total is told elsewhere
        out.append(Count(value, s0, s1, hit))


# "Among the wounded are two children", "среди раненых", "including", "yaralananlar arasında":
# the count that follows is part of a group counted elsewhere (or not at all), not its total.
_AMONG_BEFORE = re.compile(
    r"(?:\bamong|\bincluding|среди|в том числе|в числе|այդ թվում|թվում)\s+(?:the\s+)?$"
)
_AMONG_AFTER = re.compile(r"\w*\s+(?:arasinda|icerisinde|թվում)\b")
# "30 killed and wounded", "убитыми и ранеными", "ölü və yaralı": a sum of the dead and the
# wounded is neither figure.
_AND_WOUNDED = re.compile(
    r"\s+(?:and|or|и|или|ve|va|ու|և)\s+(?:wounded|injured|ранен\w*|yaral\w*|վիրավոր\w*)"
)
_KILLED_AND = re.compile(
    r"(?:killed|dead|убит\w*|погибш\w*|убитыми|olu|helak olan\w*|զոհ\w*|սպանված\w*)"
    r"\s+(?:and|or|и|или|ve|va|ու|և)\s+$"
)


# "lost up to 30 people killed and wounded": the dead and the wounded together, no figure
_LOST_SUM = re.compile(
    r"(?:\s+\w+){0,2}?\s+(?:killed and wounded|dead and wounded|убитыми и ранеными|"
    r"убитых и раненых|olu ve yarali|զոհ\w* և վիրավոր\w*)"
)


def _among(doc: Doc, hit: Match) -> bool:
    """The casualty word names a group that a count is part of ("among the wounded",
    "среди погибших", "yaralananlar arasında")."""
    lo = max(0, hit.start - 24)
    return bool(
        _AMONG_BEFORE.search(doc.norm, lo, hit.start) or _AMONG_AFTER.match(doc.norm, hit.end)
    )


def _sum_of_kinds(doc: Doc, hit: Match) -> bool:
    """The casualty word is half of a sum ("killed and wounded", "убитыми и ранеными")."""
    if hit.group == "kill" and _AND_WOUNDED.match(doc.norm, hit.end):
        return True
    lo = max(0, hit.start - 24)
    return hit.group == "wound" and _KILLED_AND.search(doc.norm, lo, hit.start) is not None


def _increment(hit: Match, out: Sequence[Count], counted: set[str]) -> bool:
    """Whether "another N" adds to a total told elsewhere: not when it follows a count of
    another kind ("seven killed, another 33 wounded": the 33 are the wounded)."""
    before = {c.hit.group for c in out if c.value is not None} | counted
    return not (before - {hit.group})


# "The number of the dead" (has risen to): a toll in words other than "toll".
_TOLL_WORDS = (
    "число погибших", "число жертв", "количество погибших", "զոհերի թիվ", "զոհվածների թիվ",
    "helak olanlarin sayi", "sehidlerin sayi",
)  # fmt: skip
_RISEN_TO = re.compile(
    r"\b(?:risen|rose|climbed|increased|reached|stands|stood|is|was|now)\s+(?:to|at)?\s*"
    r"|\b(?:возросло|выросло|достигло|составило|составляет)\s+(?:до\s+)?"
    r"|\b(?:հասել է|հասավ|կազմում է|կազմել է)\s+"
    r"|\b(?:catib|yukselib|teskil edir)\s+"
)
_UP_TO = re.compile(r"(?:\s+\S+){0,5}?\s+to\s+")  # "its losses over the past days to three"
_BRINGING = re.compile(r"\b(?:bringing|raising|taking|pushing)\s+(?:\w+\s+){0,2}$")


def _toll_count(doc: Doc, sent: Span, hit: Match) -> tuple[int, int] | None:
    """ "The death toll has risen to 13", "bringing its losses to three": the count a toll is
    said to have reached (the total: a count of the same people beside it is a part)."""
    word = doc.norm[hit.start : hit.end]
    bringing = _BRINGING.search(doc.norm, max(sent.start, hit.start - 40), hit.start)
    if not (bringing or "toll" in word) and not doc.norm.startswith(_TOLL_WORDS, hit.start):
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


# "25 people, including two civilians", "в том числе двое детей", "o cümlədən 2 mülki şəxs",
# "այդ թվում՝ երկու": the count after it is a part of the count before it.
_INCLUDING = re.compile(
    r"(?:\bincluding|\bamong them|\bof them|в том числе|среди них|из них|"
    r"o cumleden|onlardan|այդ թվում|որոնցից|նրանցից)\W*(?:the\s+)?$"
)


def _whole_before_part(doc: Doc, floor: int, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """When the nearest count is a part ("25 people, including two civilians, died"), the
    whole group's count before it too, first."""
    if not found:
        return found
    s0 = doc.tokens.starts[found[0][0]]
    marker = _INCLUDING.search(doc.norm, max(floor, s0 - 24), s0)
    if marker is None:
        return found
    whole = _counts_before(doc, floor, marker.start())
    return [*whole[:1], *found]


def _counts_before(doc: Doc, floor: int, before: int) -> list[tuple[int, int]]:
    """The nearest count before a casualty word at `before` (within 8 words), with counts
    coordinated with it ("four Armenian and three Azerbaijani soldiers were killed"). A count
    must count people: a person noun follows it, or only auxiliaries stand between it and the
    casualty word ("16 dead", "five of them were killed"); "two landmine blasts that killed"
    is no count."""
    tokens = doc.tokens
    first, last = tokens.index_at(floor), tokens.index_before(before)
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
    return [*found[:1], *_coordinated_before(doc, first, found[0][0])] if found else []


def _coordinated_before(doc: Doc, first: int, j: int) -> list[tuple[int, int]]:
    """Counts joined by "and" before the count at token `j` ("three Armenian police officers
    and two Azerbaijani soldiers were killed"), each within 8 words of the next, with no
    clause break between."""
    tokens = doc.tokens
    out: list[tuple[int, int]] = []
    for i in range(j - 1, first - 1, -1):
        if j - i > 8:
            break
        if any(c in doc.text[tokens.ends[i] : tokens.starts[j]] for c in ",;:.()"):
            break
        value = count_at(tokens, i, doc.text, doc.lang)
        if value is None or tokens.words[i] in ("a", "an", "մի"):
            continue
        joint = next((k for k in range(i + 1, j) if tokens.words[k] in _AND), None)
        if joint is not None and _named_between(doc, tokens.ends[i], tokens.starts[joint]):
            out.append((i, value))
            j = i
    return out


def _named_between(doc: Doc, lo: int, hi: int) -> bool:
    """Whether people or a side are named between two offsets ("three Armenian police
    officers and ...", not "13 and 14 years old")."""
    return any(lo <= m.start < hi for m in (*doc.persons, *doc.sides))


def _count_after(doc: Doc, sent: Span, hit: Match) -> tuple[int, int] | None:
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


def _coordinated_after(doc: Doc, sent: Span, i: int) -> list[tuple[int, int]]:
    """A count joined by "and" to the count at token `i` after a casualty word ("killed four
    police officers and two civilians"): the people named between them, then "and", then
    the count with its person noun."""
    tokens = doc.tokens
    for j in range(i + 1, min(i + 6, len(tokens.words) - 1)):
        if tokens.starts[j] >= sent.end or any(
            c in doc.text[tokens.ends[j - 1] : tokens.starts[j]] for c in ",;:.("
        ):
            return []
        if tokens.words[j] in _AND:
            k = j + 1
            value = count_at(tokens, k, doc.text, doc.lang)
            if value is not None and tokens.starts[k] < sent.end and _person_after(doc, k):
                return [(k, value)]
            return []
    return []


# "killed Elbrus Gurbanov and four relatives": a person named and a count of kin, one more
# than the count (the text as written: names are capitalised).
_NAMED_AND_KIN = (
    re.compile(
        r"\s+(?:[A-Z][\w'-]+\s+){1,3}and\s+(?:his |her |their )?(\w+)\s+(?:of his |of her )?"
        r"(?:relatives|family members|members of (?:his|her|their) family)\b"
    ),
    re.compile(
        r"\s+(?:[А-ЯЁ][\w-]+\s+){1,3}и\s+(?:его |ее |её )?(\w+)\s+(?:его |ее |её )?"
        r"(?:родственник\w*|член\w* (?:его |ее |её )?семьи)"
    ),
    re.compile(
        r"(?:\s+(?:են|է))?\s+(?:[Ա-Ֆ][\w-]+\s+){1,3}և\s+(?:նրա\s+)?ընտանիքի\s+(\w+)\s+անդամ"
    ),
    re.compile(
        r"\s+(?:[A-ZƏÖÜÇŞĞİ][\w-]+\s+){1,3}v[əe]\s+(?:onun\s+)?(?:ail[əe]sinin\s+)?(\w+)\s+"
        r"(?:ail[əe] üzvü|qohum\w*|üzvü)"
    ),
)


def _named_and_kin(doc: Doc, sent: Span, hit: Match) -> Count | None:
    """'killed Elbrus Gurbanov and four relatives' (or 'զոհվել են Էլբրուս Ղուրբանովը և նրա
    ընտանիքի չորս անդամ'): five people, the one named and the four counted."""
    for pattern in _NAMED_AND_KIN:
        m = pattern.match(doc.text, hit.end, sent.end)
        if m is None:
            continue
        i = doc.tokens.index_at(m.start(1))
        value = count_at(doc.tokens, i, doc.text, doc.lang)
        if value is not None:
            return Count(value + 1, hit.end + 1, m.end(1), hit)
    return None


def _only_auxiliaries(words: Sequence[str]) -> bool:
    return all(w in _AUXILIARY for w in words)


def _person_after(doc: Doc, i: int) -> bool:
    lo = doc.tokens.ends[i]
    hi = doc.tokens.ends[min(i + 3, len(doc.tokens.ends) - 1)]
    return any(lo <= p.start <= hi for p in doc.persons)


_GROUP_NOUN = re.compile(r"\bthe\s+$")  # "the dead", "the wounded": a group of any size


def _singular(doc: Doc, hit: Match, sent: Span) -> int | None:
    """1 when the casualty is one person ("a soldier was killed", "погиб контрактник"), not
    a group ("named the dead as ...")."""
    if _GROUP_NOUN.search(doc.norm, max(sent.start, hit.start - 5), hit.start):
        return None
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
