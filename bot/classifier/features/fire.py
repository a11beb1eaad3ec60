"""Features that tell of fire and violence on the border: in the headline, with heavy weapons,
aimed at positions or a village, by forces, the enemy or a ministry, denied, with counted
casualties; and the headline that tells of none.
"""

from __future__ import annotations

from bot.classifier.features.base import Evidence, FeatureInput, feature
from bot.classifier.lexicon import Match
from bot.domain import HEAVY_WEAPONS

__all__ = [
    "VIOLENCE",
    "denial_specific",
    "enemy_place",
    "fire_at_position",
    "heavy_weapon",
    "numbered_casualties",
    "quiet_headline",
    "title_denial",
    "title_violence",
    "violence_attributed",
]

# Lexicon groups that tell of violence itself (not of its setting or its cause).
VIOLENCE = frozenset({"fire", "combat", "kill", "wound", "capture", "incursion", "missing"})
_CLAUSE = 60  # characters between a fire word and its target


@feature("title_violence", 1.0, "fire, fighting, casualties, capture, incursion in the headline")
def title_violence(inp: FeatureInput) -> Evidence | None:
    ms = [m for m in inp.signal if m.start < inp.title_end and m.group in VIOLENCE]
    return Evidence(1.0, inp.snippets(ms)) if ms else None


@feature("title_denial", 0.5, "a denial formula in the headline")
def title_denial(inp: FeatureInput) -> Evidence | None:
    ms = [m for m in inp.signal if m.start < inp.title_end and m.group == "denial"]
    return Evidence(1.0, inp.snippets(ms)) if ms else None


@feature("heavy_weapon", 0.5, "artillery, mortars, drones, rockets, tanks, aircraft")
def heavy_weapon(inp: FeatureInput) -> Evidence | None:
    facts = inp.facts
    heavy = [
        ev for w, ev in zip(facts.weapons, facts.weapon_evidence, strict=True) if w in HEAVY_WEAPONS
    ]
    return Evidence(1.0, " | ".join(heavy[:3])) if heavy else None


@feature("fire_at_position", 1.0, "fire or an attack aimed at positions, posts or a village")
def fire_at_position(inp: FeatureInput) -> Evidence | None:
    fire = inp.group("fire")
    target = inp.group("position", "village")
    if not fire or not target:
        return None
    # the same clause, roughly: "fired at our positions", "обстреляли позиции у села"
    near: list[tuple[Match, Match]] = [
        (f, t) for f in fire for t in target if abs(f.start - t.start) <= _CLAUSE
    ]
    if not near:
        return None
    f, t = near[0]
    return Evidence(1.0, inp.snippets([f, t]))


@feature("violence_attributed", 1.0, "violence + forces, the enemy, a ministry or positions")
def violence_attributed(inp: FeatureInput) -> Evidence | None:
    violence = inp.group(*VIOLENCE)
    anchor = inp.group("forces", "enemy", "position") + inp.ministry
    if not violence or not anchor:
        return None
    return Evidence(1.0, inp.snippets(violence[:2]) + " + " + inp.snippets(anchor[:2]))


@feature("denial_specific", 1.5, "a denial + the fire, attack or incursion being denied")
def denial_specific(inp: FeatureInput) -> Evidence | None:
    denied = inp.group("fire", "combat", "incursion", "capture")
    if "denial" not in inp.groups or not denied:
        return None
    return Evidence(
        1.0, inp.snippets(inp.by_group["denial"][:1]) + " + " + inp.snippets(denied[:2])
    )


@feature("enemy_place", 1.0, '"the enemy" + a place, position or village')
def enemy_place(inp: FeatureInput) -> Evidence | None:
    places = inp.group("position", "village", "line", "border")
    if "enemy" not in inp.groups or not (places or inp.local):
        return None
    ev = inp.snippets(places[:1]) if places else inp.local[0].matched
    return Evidence(1.0, inp.snippets(inp.by_group["enemy"][:1]) + " + " + ev)


@feature("numbered_casualties", 0.5, "casualties with a number")
def numbered_casualties(inp: FeatureInput) -> Evidence | None:
    numbered = [c for c in inp.facts.casualties if c.killed or c.wounded]
    return Evidence(1.0, numbered[0].evidence[:160]) if numbered else None


@feature("quiet_headline", -0.5, "the headline names no violence, denial, enemy or capture")
def quiet_headline(inp: FeatureInput) -> Evidence | None:
    loud = VIOLENCE | {"enemy", "denial", "damage"}
    if any(m.start < inp.title_end and m.group in loud for m in inp.signal):
        return None
    return Evidence(1.0, "headline: " + inp.text[: min(inp.title_end, 80)])
