"""Violence with a named cause that is not enemy action: the rule behind the model's
`violence_explained` feature.

The policy's hard negatives (a soldier killed by an old mine or a blizzard, live-fire drills, a
patrol that saw no incidents, a village shooting between neighbours, another country's war)
carry the same words as an attack. When the text names such a cause and nothing hostile, the
violence features are dropped and the cause is one feature instead.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["CASUALTY_DERIVED", "VIOLENCE_DERIVED", "explain_violence"]

# the features a named cause explains away: those read from casualty words, and those read from
# any violence
CASUALTY_DERIVED = (
    "kill", "wound", "missing", "numbered_casualties", "title_violence", "violence_attributed",
)  # fmt: skip
VIOLENCE_DERIVED = (*CASUALTY_DERIVED, "fire", "combat", "heavy_weapon", "fire_at_position")


def explain_violence(
    groups: set[str],
    feats: Mapping[str, object],
    local_place: bool,
    named_party: bool,
    lead_groups: set[str],
) -> tuple[str, tuple[str, ...]] | None:
    """The named non-hostile cause of the violence and the features it explains away, or None
    (`groups`: lexicon groups matched; `feats`: the features set so far; `lead_groups`: the
    groups matched in the headline and lead)."""
    if "no_context" in feats and "enemy" not in groups:
        # neither party, nor one of their places, nor "the enemy": another country's border
        return "violence that names neither Armenia, Azerbaijan nor their places", (
            *VIOLENCE_DERIVED, "ministry", "numbered_casualties", "position", "forces"
        )
    # "Fire" alone may be a shot in an accident; aimed at a position, or by an enemy, it is
    # not, nor is fire by an accused side, unless the headline or lead tells of the mine or the
    # accident: then the accusation may be "the mine was laid by their forces".
    hostile = (
        "enemy" in groups
        or "fire_at_position" in feats
        or (
            "fire" in groups
            and ("accusation" in feats or "position" in groups)
            and not lead_groups & {"nonhostile", "landmine"}
        )
    )
    if groups & {"nonhostile", "landmine"} and not hostile:
        return "deaths or wounds from a mine, an accident or the weather", CASUALTY_DERIVED
    if (
        "drills_arms" in groups
        and not groups & {"enemy", "kill", "wound", "damage"}
        and not ("accusation" in feats and "position" in groups)  # fired *at positions*
    ):
        return "firing in drills", VIOLENCE_DERIVED
    if (
        "calm" in groups
        and not groups & {"enemy", "kill", "wound", "capture", "damage"}
        and "accusation" not in feats
    ):
        return "a report that nothing happened", VIOLENCE_DERIVED
    if (
        "foreign_conflict" in groups
        and not local_place
        and "enemy" not in groups
        and "accusation" not in feats
        and not (named_party and "position" in groups)  # fire at Armenian/Azerbaijani posts
    ):
        return "violence in another conflict", VIOLENCE_DERIVED
    if (
        "domestic" in groups
        and not groups & {"forces", "enemy"}
        and "ministry" not in feats
        and "accusation" not in feats
    ):
        return "a crime or police matter, no armed forces named", VIOLENCE_DERIVED
    if "local_quarrel" in lead_groups and "enemy" not in groups and "accusation" not in feats:
        # the lead tells of a quarrel or says the border has nothing to do with it; a ministry
        # may still speak (to deny that its people took part)
        return "violence between local people, no adversary", VIOLENCE_DERIVED
    return None
