"""Features of the parties: a border place, Armenia and Azerbaijan named or not, a ministry
speaking, one side accusing the other; and violence that names one party only, no adversary
(a shooting, a crime or an accident inside one country).
"""

from __future__ import annotations

from bot.classifier.features.base import PARTY, Evidence, FeatureInput, feature
from bot.classifier.features.fire import VIOLENCE
from bot.classifier.lexicon import Match
from bot.domain import ACTOR_SIDE

__all__ = [
    "accusation",
    "accused_other_side",
    "border_place",
    "both_parties",
    "lead_no_adversary",
    "ministry",
    "no_context",
    "one_sided",
    "violence_no_adversary",
]


@feature("border_place", 0.8, "a place on the border found by the gazetteer, in any script")
def border_place(inp: FeatureInput) -> Evidence | None:
    return Evidence(1.0, " | ".join(loc.matched for loc in inp.border[:4])) if inp.border else None


@feature("no_context", -2.0, "neither Armenia, Azerbaijan, Karabakh nor one of their places")
def no_context(inp: FeatureInput) -> Evidence | None:
    if inp.sides or inp.local:
        return None
    return Evidence(1.0, "no mention of Armenia, Azerbaijan or Karabakh")


@feature("ministry", 0.8, "a defence ministry or border service speaks")
def ministry(inp: FeatureInput) -> Evidence | None:
    return Evidence(1.0, inp.snippets(inp.ministry)) if inp.ministry else None


@feature("accusation", 0.8, "one side's forces named as the ones firing or advancing")
def accusation(inp: FeatureInput) -> Evidence | None:
    accusations = [c for c in inp.facts.claims if c.stance == "accusation"]
    return Evidence(1.0, accusations[0].evidence[:160]) if accusations else None


@feature("accused_other_side", 1.0, "an official of one party accuses the other party")
def accused_other_side(inp: FeatureInput) -> Evidence | None:
    for c in inp.facts.claims:
        side = ACTOR_SIDE.get(c.actor)
        if c.stance == "accusation" and c.accused is not None and side not in (None, c.accused):
            return Evidence(1.0, f"{c.actor} accuses {c.accused}: {c.evidence[:140]}")
    return None


@feature("both_parties", 0.5, "Armenia and Azerbaijan both named (by name or by a place)")
def both_parties(inp: FeatureInput) -> Evidence | None:
    return Evidence(1.0, "Armenian and Azerbaijani sides named") if len(inp.parties) >= 2 else None


@feature("one_sided", -1.0, "one party only and no enemy: domestic news, crime, accidents")
def one_sided(inp: FeatureInput) -> Evidence | None:
    if len(inp.parties) != 1 or "enemy" in inp.groups or inp.facts.accused:
        return None
    only = next(iter(inp.parties))
    named = [m for m in inp.sides if PARTY.get(m.tag) == only][:2]
    ev = inp.snippets(named) if named else " | ".join(loc.matched for loc in inp.local[:2])
    return Evidence(1.0, f"only {only} named, no adversary: {ev}")


@feature(
    "violence_no_adversary", -1.0,
    "violence at a place of one party, no other side, enemy or accused named (shootings, crime)",
)  # fmt: skip
def violence_no_adversary(inp: FeatureInput) -> Evidence | None:
    if "one_sided" not in inp.feats or not inp.local:
        return None
    violence = inp.group("fire", "kill", "wound")
    if not violence or "position" in inp.groups or inp.ministry:
        return None
    return Evidence(1.0, inp.snippets(violence[:2]) + " at " + inp.local[0].matched)


@feature(
    "lead_no_adversary", -0.5,
    "violence in the headline or lead, which names neither an enemy, a border or line, a "
    "position, nor both parties: a shooting, a crime or an accident inside one country",
)  # fmt: skip
def lead_no_adversary(inp: FeatureInput) -> Evidence | None:
    end = inp.lead_end()
    lead: list[Match] = [m for m in inp.signal if m.start < end]
    violence = [m for m in lead if m.group in VIOLENCE]
    if not violence or any(m.group in ("enemy", "border", "line", "position") for m in lead):
        return None
    parties = {PARTY[m.tag] for m in inp.sides if m.start < end}
    if len(parties) >= 2 or inp.facts.accused:
        return None
    return Evidence(1.0, inp.snippets(violence[:2]) + " (lead names no adversary)")
