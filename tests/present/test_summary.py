"""Alert sentences: what each side says, in the catalog's grammar, and casualty lines."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clustering import ActorStatement, CasualtyFigure, IncidentView
from bot.present.summary import render_alert

WHEN = datetime(2031, 3, 10, 8, tzinfo=UTC)


def _view(
    claims: tuple[ActorStatement, ...], casualties: tuple[CasualtyFigure, ...] = ()
) -> IncidentView:
    return IncidentView(
        id="inc-20310310-abcd", first_published=WHEN, last_published=WHEN, event_start=WHEN,
        event_end=WHEN, report_ids=("r1",), location_ids=("am-sotk",), sectors=(),
        severity="high", casualties=casualties, claims=claims, weapons=("artillery",),
        sources=("s",), sides_heard=("armenian", "azerbaijani"), followups=0, reply_worthy=0,
    )  # fmt: skip


def _bullets(view: IncidentView, lang: str = "en") -> list[str]:
    text = render_alert(view, [], lang).replace("&#x27;", "'")
    return [line[2:] for line in text.splitlines() if line.startswith("• ")]


def test_accusation_names_the_act_and_places_and_the_denial() -> None:
    """'Armenia's Defence Ministry says Azerbaijani forces shelled positions near Sotk';
    'Azerbaijan's Defence Ministry denies it'; nothing merely 'reports the incident'."""
    view = _view((
        ActorStatement("am_mod", ("accusation",), ("azerbaijani",), ("shelling",), ("am-sotk",)),
        ActorStatement("az_mod", ("denial",), ()),
        ActorStatement("third_party", ("claim",), ()),
    ))  # fmt: skip
    assert _bullets(view) == [
        "Armenia's Defence Ministry says Azerbaijani forces shelled positions near Sotk",
        "Azerbaijan's Defence Ministry denies it",
    ]


def test_plural_actor_names_agree() -> None:
    """'Armenian officials say', not 'says'; the form comes from the catalog."""
    view = _view((ActorStatement("am_gov", ("accusation",), ("azerbaijani",), ("fire",)),))
    assert _bullets(view) == ["Armenian officials say Azerbaijani forces opened fire"]
    assert _bullets(view, "ru") == ["Армянские официальные лица сообщают, что азербайджанские "
                                    "силы открыли огонь"]


def test_one_figure_from_two_sources_is_one_line_and_losses_without_figures() -> None:
    """The same figure from the ministry and the media is one line naming each claimant once,
    the ministry first; the other side's losses without a figure say so."""
    view = _view(
        (ActorStatement("am_mod", ("accusation",), ("azerbaijani",)),),
        (
            CasualtyFigure("armenian", "servicemen", "media", 2, None),
            CasualtyFigure("armenian", "servicemen", "am_mod", 2, None),
            CasualtyFigure("azerbaijani", "servicemen", "az_mod", None, None),
        ),
    )
    assert _bullets(view)[1:] == [
        "Armenian servicemen: 2 killed, according to Armenia's Defence Ministry and the media",
        "Azerbaijan's Defence Ministry reports losses on the Azerbaijani side, without giving "
        "figures",
    ]


def test_side_unclear_casualties_say_figures_unclear() -> None:
    """Casualties whose side is unclear give no number, only that figures are unclear."""
    view = _view((), (CasualtyFigure(None, None, "media", None, None),))
    assert _bullets(view) == ["Casualties reported, figures unclear"]
