"""Multilingual lexicons and the Aho-Corasick matcher that finds them in a text.

The lexicons live in `data/lexicon.toml`: named groups of patterns, per language, written from
domain knowledge. Pattern syntax, applied to `normalize`d text:

- words are matched whole: ``fire`` matches "fire" but not "fires" or "ceasefire";
- a trailing ``*`` lets the word go on: ``shell*`` matches "shelled", "shelling";
- ``_`` between two words allows up to two other words: ``opened _ fire`` matches
  "opened heavy fire" and "opened fire";
- words of a phrase are separated by exactly one space in the normalised text, so punctuation
  between them ("fire, at") breaks the phrase, as it should.

Run-time stemming was measured at ~0.5 ms per item with snowballstemmer, more than the whole
per-item budget, so inflection is covered by prefixes instead.

Each group belongs to a *layer* (signal, weapon, actor, side, ...). Within a layer, overlapping
matches are resolved leftmost-longest, so ``no one was hurt`` (no_casualties) hides ``hurt``
(wounded) and ``anti-tank mine`` (landmine) hides ``tank``; matches in different layers may
overlap ("mortar fire" is both a fire signal and a weapon).
"""

from __future__ import annotations

import operator
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import ahocorasick

from bot.classifier.normalize import normalize_pattern

__all__ = ["Group", "Lexicon", "Match", "group_pattern", "load_lexicon"]

_GAP = r" +(?:\S+ +){0,2}"


@dataclass(frozen=True, slots=True)
class Group:
    """One named lexicon group."""

    name: str
    layer: str
    tag: str  # extra meaning for the layer (an actor id, a weapon kind); "" if none
    doc: str


@dataclass(frozen=True, slots=True)
class Match:
    """One lexicon match; `start`/`end` index both the normalised and the original text."""

    group: str
    layer: str
    tag: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Entry:
    group: Group
    regex: re.Pattern[str] | None  # only multi-word patterns need one
    prefix: bool  # single word with a trailing `*`
    pattern: str


def _compile(pattern: str) -> tuple[str, re.Pattern[str] | None, bool]:
    """Return the Aho-Corasick key, the verifying regex (if any) and the prefix flag.

    Keys start with a space, so the automaton reports hits at word starts only (the text is
    matched with a space before and after it). A pattern that is literal up to an optional `*`
    on its last word is keyed whole (words joined by one space) and needs no regex; a pattern
    with `*` inside or a `_` gap is keyed by its literal head and verified by a regex.
    """
    words = pattern.split()
    if not words or words[0] == "_" or words[-1] == "_" or not words[0].rstrip("*"):
        raise ValueError(f"bad lexicon pattern: {pattern!r}")
    inner = words[:-1]
    if "_" not in words and not any(w.endswith("*") for w in inner):
        last = words[-1]
        literal = " ".join([*inner, last.rstrip("*")])
        if last.endswith("*"):
            return " " + literal, None, True
        return " " + literal + " ", None, False
    head: list[str] = []
    for word in words:
        if word == "_":
            break
        head.append(word.rstrip("*"))
        if word.endswith("*"):
            break
    parts: list[str] = []
    gap = False
    for word in words:
        if word == "_":
            gap = True
            continue
        if parts:
            parts.append(_GAP if gap else " +")
        gap = False
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"\w*")
        else:
            parts.append(re.escape(word) + r"(?!\w)")
    return " " + " ".join(head), re.compile("".join(parts)), False


class Lexicon:
    """Compiled lexicon groups; `find` returns their matches in a normalised text."""

    __slots__ = ("_automaton", "groups")

    def __init__(self, groups: Mapping[str, tuple[Group, Mapping[str, Iterable[str]]]]) -> None:
        self.groups: dict[str, Group] = {}
        table: dict[str, list[_Entry]] = {}
        for name, (group, by_lang) in groups.items():
            self.groups[name] = group
            for patterns in by_lang.values():
                for raw in patterns:
                    pattern = normalize_pattern(raw)
                    key, regex, prefix = _compile(pattern)
                    entries = table.setdefault(key, [])
                    if not any(e.group is group and e.pattern == pattern for e in entries):
                        entries.append(_Entry(group, regex, prefix, pattern))
        automaton = ahocorasick.Automaton()
        for key, entries in table.items():
            # plain tuples (group, layer, tag, regex, prefix): `find` unpacks them per hit
            plain = tuple((e.group.name, e.group.layer, e.group.tag, e.regex, e.prefix)
                          for e in entries)  # fmt: skip
            automaton.add_word(key, (len(key), plain))
        automaton.make_automaton()
        self._automaton = automaton

    def find(self, norm: str) -> list[Match]:
        """All matches in `norm` (a `normalize`d text), overlaps resolved per layer."""
        padded = " " + norm + " "
        found: list[Match] = []
        for end, (length, entries) in self._automaton.iter(padded):
            start = end - length + 1  # the space before the word, i.e. the word's index in norm
            for group, layer, tag, regex, prefix in entries:
                if regex is None:
                    # a prefix runs to the word's end; a whole word drops the key's trailing space
                    stop = padded.find(" ", end + 1) - 1 if prefix else end - 1
                    found.append(Match(group, layer, tag, start, stop))
                else:
                    m = regex.match(norm, start)
                    if m is not None:
                        found.append(Match(group, layer, tag, start, m.end()))
        return _resolve(found) if len(found) > 1 else found


_START = operator.attrgetter("start")
_END = operator.attrgetter("end")


def _resolve(found: list[Match]) -> list[Match]:
    """Leftmost-longest within each layer; identical spans of different groups all stay."""
    # by start, longest first: two stable sorts with C key functions, cheaper than one keyed
    # by a lambda building a tuple per match
    found.sort(key=_END, reverse=True)
    found.sort(key=_START)
    kept: list[Match] = []
    reach: dict[str, int] = {}
    last_span: dict[str, tuple[int, int]] = {}
    for m in found:
        r = reach.get(m.layer, -1)
        if m.start < r:
            if last_span.get(m.layer) != (m.start, m.end):
                continue
            if (
                kept
                and kept[-1].group == m.group
                and (kept[-1].start, kept[-1].end)
                == (
                    m.start,
                    m.end,
                )
            ):
                continue
        kept.append(m)
        if m.end > r:
            reach[m.layer] = m.end
            last_span[m.layer] = (m.start, m.end)
    return kept


def _groups_from_toml(data: Mapping[str, Any]) -> dict[str, tuple[Group, dict[str, list[str]]]]:
    out: dict[str, tuple[Group, dict[str, list[str]]]] = {}
    for name, spec in data["groups"].items():
        group = Group(
            name=name,
            layer=str(spec.get("layer", "signal")),
            tag=str(spec.get("tag", "")),
            doc=str(spec.get("doc", "")),
        )
        by_lang = {
            k: [str(p) for p in v]
            for k, v in spec.items()
            if k not in ("layer", "tag", "doc") and isinstance(v, list)
        }
        out[name] = (group, by_lang)
    return out


def _shipped_text() -> str:
    return resources.files("bot.classifier").joinpath("data/lexicon.toml").read_text("utf-8")


def load_lexicon(text: str | None = None) -> Lexicon:
    """Load the shipped `data/lexicon.toml` (or the TOML given as `text`)."""
    return Lexicon(_groups_from_toml(tomllib.loads(_shipped_text() if text is None else text)))


def _pattern_regex(pattern: str) -> str:
    parts: list[str] = []
    gap = False
    for word in pattern.split():
        if word == "_":
            gap = True
            continue
        if parts:
            parts.append(r"\s+(?:\S+\s+){0,2}" if gap else r"\s+")
        gap = False
        star = word.endswith("*")
        parts.append(re.escape(word.rstrip("*")) + (r"\w*" if star else r"(?!\w)"))
    return "".join(parts)


@cache
def group_pattern(*names: str) -> str:
    """A regex (source, no flags) matching any pattern of the shipped groups `names` in a
    `normalize`d text, whole words as in `find`, longest first.

    For the few rules that need a word list inside a wider pattern ("<a country> also denied",
    "it said"): the list stays in the lexicon, the shape of the rule in the code.
    """
    groups = _groups_from_toml(tomllib.loads(_shipped_text()))
    patterns = {
        normalize_pattern(raw)
        for name in names
        for raws in groups[name][1].values()
        for raw in raws
    }
    alternatives = sorted((_pattern_regex(p) for p in patterns if p), key=len, reverse=True)
    return r"(?<!\w)(?:" + "|".join(alternatives) + ")"
