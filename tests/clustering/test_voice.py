"""An official source's own post in its own voice: which claims and figures become its body's."""

from __future__ import annotations

from bot.classifier.types import Casualties, Claim, Classification
from bot.clustering import in_own_voice


def verdict(*claims: Claim, casualties: tuple[Casualties, ...] = ()) -> Classification:
    """An incident verdict with these claims and figures."""
    return Classification(id="1", incident=True, score=0.9, lang="en", severity="high",
                          claims=claims, casualties=casualties)


def test_unnamed_and_generic_speakers_become_the_body() -> None:
    """The outlet's voice ("media") and the side's officials in general become the ministry;
    an accusation keeps whom it accuses."""
    voiced = in_own_voice(verdict(
        Claim("media", "accusation", "Azerbaijani units opened fire", accused="azerbaijani"),
        Claim("am_gov", "claim", "No casualties on our side"),
    ), "am_mod")
    assert [(c.actor, c.stance, c.accused) for c in voiced.claims] == [
        ("am_mod", "accusation", "azerbaijani"), ("am_mod", "claim", None)]


def test_quoted_speakers_keep_their_voice() -> None:
    """The other side's ministry quoted in the post, or another body of the same side named,
    keeps its own voice; the body's own report of the incident is added."""
    voiced = in_own_voice(verdict(
        Claim("az_mod", "claim", "Baku claims Armenian fire near Kalbajar"),
        Claim("am_border", "claim", "Border guards report calm"),
    ), "am_mod")
    assert [c.actor for c in voiced.claims] == ["am_mod", "az_mod", "am_border"]
    assert voiced.claims[0].stance == "claim"


def test_figures_without_a_claimant_are_the_bodys() -> None:
    """Casualty figures the text gives nobody for are the body's; named claimants stay."""
    voiced = in_own_voice(verdict(casualties=(
        Casualties(killed=1, side="armenian"),
        Casualties(wounded=2, side="azerbaijani", claimed_by="az_mod"),
    )), "am_mod")
    assert [c.claimed_by for c in voiced.casualties] == ["am_mod", "az_mod"]
    assert [c.actor for c in voiced.claims] == ["am_mod"]


def test_actors_of_no_side_change_nothing() -> None:
    """A third party or the media as the 'body' leaves the verdict as it is."""
    original = verdict(Claim("media", "claim", "x"))
    assert in_own_voice(original, "third_party") is original
