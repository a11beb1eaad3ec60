"""A party's own channel speaks in its own voice: who makes the claims of an official post.

The classifier reads who speaks from the text ("Armenia's MoD says ..."). A ministry's own
post rarely names itself: it says "units of the Azerbaijani armed forces opened fire at our
positions", which the classifier gives to the outlet ("media") or, from "our", to the side's
officials in general. For a source marked `perspective = "official"` with a side, the speaker
is known: `in_own_voice` hands those claims and casualty figures to the source's `actor`
(am_mod, az_border, ...), and a post that makes no claim the classifier could read becomes
the body's report of the incident. Claims the post quotes from anyone else (the other side's
ministry, a third party) keep their speaker. A repost (forwarded from elsewhere) is not the
channel's own voice: the poller does not call this for it.
"""

from __future__ import annotations

from dataclasses import replace

from bot.classifier.types import Casualties, Claim, Classification
from bot.domain import ACTOR_SIDE, Actor

__all__ = ["in_own_voice"]

# The speakers a body's own post stands in for: the outlet (nobody named) and the side's
# officials in general (the classifier's guess from "our positions", "our side").
_GENERIC: dict[str, frozenset[str]] = {
    "armenian": frozenset({"media", "am_gov"}),
    "azerbaijani": frozenset({"media", "az_gov"}),
}


def in_own_voice(classification: Classification, actor: Actor) -> Classification:
    """`classification` with the post's own claims and figures given to `actor`."""
    side = ACTOR_SIDE.get(actor)
    if side is None:
        return classification
    generic = _GENERIC[side]
    claims: list[Claim] = []
    for claim in classification.claims:
        claims.append(replace(claim, actor=actor) if claim.actor in generic else claim)
    if not any(claim.actor == actor for claim in claims):
        evidence = claims[0].evidence if claims else ""
        claims.insert(0, Claim(actor=actor, stance="claim", evidence=evidence))
    casualties: list[Casualties] = [
        replace(figure, claimed_by=actor)
        if figure.claimed_by is None or figure.claimed_by in generic
        else figure
        for figure in classification.casualties
    ]
    return replace(
        classification,
        claims=tuple(dict.fromkeys(claims)),
        casualties=tuple(casualties),
    )
