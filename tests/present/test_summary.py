"""Alert summaries (pure): what each side says, in the catalog's grammar; every claim names
its claimant, a one-sided incident says so, feed text is escaped, and the result is Telegram
HTML in every interface language."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.clustering import ActorStatement, CasualtyFigure, IncidentView
from bot.present.i18n import LANGUAGES, t, tn
from bot.present.summary import (
    ReportRef,
    command_id,
    event_kind,
    headline,
    render_alert,
    render_followup,
    render_incident,
)
from testkit.telegram_api import parse_html_entities

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


def test_an_accusation_naming_no_act_says_whom_it_blames() -> None:
    """An accusation with no act ("called the attack treacherous") blames the other side in
    every language; it never says they "opened fire", which nobody said."""
    view = _view((ActorStatement("az_gov", ("accusation",), ("armenian",), (), ("am-sotk",)),))
    assert _bullets(view) == [
        "Azerbaijani officials hold Armenian forces responsible for the incident near Sotk"
    ]
    for lang in LANGUAGES:
        line = _bullets(view, lang)[0]
        assert t(lang, "side_armenian") in line
        assert t(lang, "claim_accuses_fire.many", who="", accused="") not in line


def test_an_accusation_with_an_act_keeps_it() -> None:
    """The twin: an accusation that names fire says so."""
    view = _view((ActorStatement("az_gov", ("accusation",), ("armenian",), ("fire",)),))
    assert _bullets(view) == ["Azerbaijani officials say Armenian forces opened fire"]


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


AT = datetime(2026, 11, 24, 6, 30, tzinfo=UTC)
ACCUSATION = ActorStatement("am_mod", ("accusation",), ("azerbaijani",))
DENIAL = ActorStatement("az_mod", ("denial",), ())
DEATHS = CasualtyFigure("armenian", "servicemen", "am_mod", 2, None)
REPORTS = [ReportRef("Armenpress", "https://armenpress.example/1", "Drone strike", AT)]


def incident(**changes: object) -> IncidentView:
    """An incident near Tegh: Armenia's MoD accuses Azerbaijani forces of a drone strike."""
    view = IncidentView(
        id="inc-20261124-4b227777", first_published=AT, last_published=AT,
        event_start=AT, event_end=AT, report_ids=("1",), location_ids=("am-tegh",),
        sectors=("syunik-lachin",), severity="high", casualties=(), claims=(ACCUSATION,),
        weapons=("drone",), sources=("Armenpress",), sides_heard=("armenian",), followups=0,
        reply_worthy=0,
    )
    return replace(view, **changes)  # type: ignore[arg-type]


def test_one_sided_claim_is_attributed_and_flagged() -> None:
    """The accusation names Armenia's MoD, the deaths say who claims them, and a report heard
    from one side only says so and that nothing is confirmed independently."""
    text = render_alert(incident(casualties=(DEATHS,)), REPORTS, "en")
    plain = parse_html_entities(text)[0]
    who = t("en", "actor_am_mod")
    assert f"{who} holds Azerbaijani forces responsible" in plain  # no act named: none said
    assert f"Armenian servicemen: {tn('en', 'cas_killed', 2)}, according to {who}" in plain
    assert t("en", "one_side_only") in plain
    assert t("en", "not_confirmed") in plain
    assert "/incident_inc_20261124_4b227777" in plain


def test_both_sides_heard_drops_the_one_side_note() -> None:
    """Once the other side has spoken (here a denial), the summary gives both accounts and no
    longer says it has one side only; it still says nothing is confirmed independently."""
    text = render_alert(
        incident(claims=(ACCUSATION, DENIAL), sides_heard=("armenian", "azerbaijani")),
        REPORTS, "en",
    )
    plain = parse_html_entities(text)[0]
    assert f"{t('en', 'actor_az_mod')} denies it" in plain
    assert t("en", "one_side_only") not in plain
    assert t("en", "not_confirmed") in plain


def test_headline_names_what_where_and_when() -> None:
    """The headline says what was reported, near which place (in the reader's language), and
    the day; the kind follows the weapons and casualties."""
    assert event_kind(incident()) == "kind_drone"
    assert event_kind(incident(weapons=("mortar",))) == "kind_shelling"
    assert event_kind(incident(weapons=(), casualties=(DEATHS,))) == "kind_casualties"
    assert event_kind(incident(weapons=(), claims=(DENIAL,))) == "kind_denied"
    assert event_kind(incident(weapons=(), claims=())) == "kind_firing"
    title = headline(incident(), "en")
    assert title.startswith(t("en", "kind_drone"))
    assert "Tegh" in title
    assert "Տեղ" in headline(incident(), "hy")


def test_feed_text_is_escaped_and_unsafe_links_dropped() -> None:
    """Source names and titles are feed text: markup in them is shown, not obeyed; a
    non-http link is left out."""
    hostile = [
        ReportRef("<b>Evil</b> & Co", "javascript:alert(1)", "<script>x</script>", AT),
        ReportRef("Fine", "https://fine.example/a?b=1&c=2", "ok", None),
    ]
    text = render_incident(incident(), hostile, "en")
    plain, entities = parse_html_entities(text)
    assert "<b>Evil</b> & Co" in plain
    assert "<script>x</script>" in plain
    assert "javascript:" not in text
    links = [e["url"] for e in entities if e["type"] == "text_link"]
    assert links == ["https://fine.example/a?b=1&c=2"] * 2  # sources line and timeline


def test_many_sources_are_cut_with_a_count() -> None:
    """An incident reported by many outlets lists eight and says how many more."""
    refs = [ReportRef(f"Outlet {n}", f"https://o{n}.example/", "t", AT) for n in range(11)]
    plain = parse_html_entities(render_alert(incident(), refs, "en"))[0]
    assert "Outlet 7" in plain
    assert "Outlet 8" not in plain
    assert t("en", "and_more", n=3) in plain


def test_followup_says_what_changed() -> None:
    """The reply to an alert names the changes and the casualty figures with their claimant."""
    text = render_followup(incident(casualties=(DEATHS,)), {"new_deaths", ""}, "en")
    plain = parse_html_entities(text)[0]
    assert t("en", "change_new_deaths") in plain
    assert t("en", "killed", n=2) in plain


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_renders_valid_html(lang: str) -> None:
    """Alert, follow-up and incident view are HTML that Telegram accepts, in each language."""
    view = incident(claims=(ACCUSATION, DENIAL), casualties=(DEATHS,))
    for text in (render_alert(view, REPORTS, lang), render_followup(view, {"denial"}, lang),
                 render_incident(view, REPORTS, lang)):
        parse_html_entities(text)
        assert len(text) <= 4096


def test_command_id_is_a_valid_command() -> None:
    """Incident ids become command suffixes Telegram accepts ([A-Za-z0-9_])."""
    assert command_id("inc-20260101-ab12") == "inc_20260101_ab12"
