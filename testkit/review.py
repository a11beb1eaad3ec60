"""A fixed review set: sample alerts and every menu screen, rendered in all four languages.

A native reader reviews the bot's text in one sitting from one file. `render_review()` renders
the same fixed samples every time (claim, counter-claim, denial, casualties with and without
a side, several places, no town found, a follow-up, a digest, the lists) and every settings
screen with its buttons, language by language, as the plain text Telegram shows. The result
is kept in the repository as docs/review/rendered.md: `scripts/render_review.py` writes it
and `.ci/run` fails when it differs, so any change to what readers see shows up in review.
Tests run their checks (no placeholder left, no empty brackets, places spelled as in the
gazetteer, ...) over the same sections.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from telegram import InlineKeyboardMarkup

from bot.classifier.gazetteer import default_gazetteer
from bot.clustering import ActorStatement, CasualtyFigure, IncidentView
from bot.db.search import SearchHit
from bot.db.store import SourceHealth
from bot.db.tables import Incident
from bot.domain import Severity, Side, Stance
from bot.present.i18n import LANGUAGES, t
from bot.present.incidents import incident_line, search_text, sources_text
from bot.present.keyboards import PAGES, alert_markup, settings_markup, settings_text
from bot.present.summary import ReportRef, render_alert, render_followup, render_incident
from bot.subscribers.args import parse_quiet
from bot.subscribers.digest import render_digest
from bot.subscribers.prefs import ChatPrefs
from handlers import ADMIN_COMMANDS, COMMANDS

__all__ = ["NOW", "Sample", "Section", "plain_text", "render_review", "samples", "sections"]

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Sample:
    """One sample incident of the review set, with the place ids it names."""

    name: str
    view: IncidentView
    reports: tuple[ReportRef, ...]
    changes: frozenset[str] = field(default_factory=frozenset)  # set: also a follow-up


@dataclass(frozen=True, slots=True)
class Section:
    """One rendered screen in one language, as the reader sees it (plain text)."""

    lang: str
    title: str
    text: str
    place_ids: tuple[str, ...] = ()  # places whose names the text must spell as the gazetteer


def plain_text(markup: str) -> str:
    """What Telegram shows for HTML: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", markup))


def _says(
    actor: str, *stances: Stance, accused: Sequence[Side] = (), acts: Sequence[str] = (),
    at: Sequence[str] = (),
) -> ActorStatement:
    return ActorStatement(actor=actor, stances=tuple(stances), accused=tuple(accused),
                          actions=tuple(acts), place_ids=tuple(at))


def _view(
    number: int,
    places: Sequence[str],
    claims: Sequence[ActorStatement],
    *,
    severity: Severity | None = "medium",
    weapons: Sequence[str] = ("small_arms",),
    casualties: Sequence[CasualtyFigure] = (),
    sectors: Sequence[str] = (),
) -> IncidentView:
    start = NOW - timedelta(hours=3 + number)
    sides = sorted({"armenian" if c.actor.startswith("am") else "azerbaijani"
                    for c in claims if c.actor[:3] in {"am_", "az_"}})
    return IncidentView(
        id=f"inc-20261201-{number:04x}",
        first_published=start,
        last_published=start + timedelta(hours=1),
        event_start=start,
        event_end=start,
        report_ids=(f"r{number}",),
        location_ids=tuple(places),
        sectors=tuple(sectors),
        severity=severity,
        casualties=tuple(casualties),
        claims=tuple(claims),
        weapons=tuple(weapons),
        sources=("Armenpress", "APA"),
        sides_heard=tuple(sides),  # type: ignore[arg-type]
        followups=0,
        reply_worthy=0,
    )


def _reports(number: int) -> tuple[ReportRef, ...]:
    when = NOW - timedelta(hours=2 + number)
    return (
        ReportRef("Armenpress", f"https://armenpress.am/{number}", "Report", when),
        ReportRef("APA", f"https://apa.az/{number}", "Report", when),
    )


def samples() -> list[Sample]:
    """The fixed sample incidents, each showing one kind of alert."""
    views = [
        ("claim", _view(
            1, ["am-sotk"], [_says("am_mod", "accusation", accused=["azerbaijani"], acts=["fire"])],
            sectors=["gegharkunik-kalbajar"])),
        ("counter-claim, several places", _view(
            2, ["am-sotk", "am-kut", "az-kalbajar-district", "am-gegharkunik-province"],
            [_says("am_mod", "accusation", accused=["azerbaijani"], acts=["shelling"],
                   at=["am-sotk", "am-kut"]),
             _says("az_mod", "accusation", accused=["armenian"], acts=["fire"],
                   at=["az-kalbajar-district"])],
            severity="high", weapons=("mortar",), sectors=["gegharkunik-kalbajar"])),
        ("denial; an accusation naming no act", _view(
            3, ["am-tegh"],
            [_says("az_mod", "accusation", accused=["armenian"]), _says("am_mod", "denial")],
            sectors=["syunik-lachin"])),
        ("denial only", _view(4, ["az-sadarak-district"], [_says("az_gov", "denial")],
                              severity="low", sectors=["ararat-nakhchivan"])),
        ("casualties with side and kind, two claimants of one figure", _view(
            5, ["am-verin-shorzha"],
            [_says("am_mod", "accusation", accused=["azerbaijani"], acts=["fire"]),
             _says("az_mod", "denial")],
            severity="high",
            casualties=[CasualtyFigure("armenian", "servicemen", "am_mod", 1, 2),
                        CasualtyFigure("armenian", "servicemen", "media", 1, 2),
                        CasualtyFigure("azerbaijani", "civilians", "az_mod", None, 1)],
            sectors=["gegharkunik-kalbajar"])),
        ("casualties without side or kind", _view(
            6, ["az-tovuz-district"], [_says("media", "claim", acts=["fire"])],
            weapons=("sniper",),
            casualties=[CasualtyFigure(None, None, None, None, 2),
                        CasualtyFigure("azerbaijani", None, "az_border", 1, None)],
            sectors=["tavush-gazakh"])),
        ("a figure both sides give, losses without a figure", _view(
            9, ["am-tegh", "az-lachin-district"],
            [_says("az_mod", "claim", acts=["drone"], at=["am-tegh"]),
             _says("am_border", "accusation", accused=["azerbaijani"], acts=["incursion"])],
            weapons=("drone",),
            casualties=[CasualtyFigure("armenian", "servicemen", "am_mod", 1, None),
                        CasualtyFigure("armenian", "servicemen", "az_mod", 1, None),
                        CasualtyFigure("azerbaijani", None, "az_gov", None, None)],
            sectors=["syunik-lachin"])),
        ("casualties of no known side, no figures", _view(
            10, ["az-sadarak-district"],
            [_says("az_gov", "claim", acts=["shelling"], at=["az-sadarak-district"])],
            casualties=[CasualtyFigure(None, None, "media", None, None)],
            sectors=["ararat-nakhchivan"])),
        ("no town found", _view(7, ["am", "az"], [_says("third_party", "claim")],
                                 severity=None)),
        ("officials of both sides, drone", _view(
            8, ["az-khankendi", "az-shusha"],
            [_says("am_gov", "accusation", accused=["azerbaijani"], acts=["attack"]),
             _says("az_gov", "accusation", accused=["armenian"], acts=["capture"]),
             _says("karabakh", "claim", acts=["shelling"], at=["az-khankendi"]),
             _says("am_border", "claim", acts=["fire"]),
             _says("az_border", "denial")],
            severity="critical", weapons=("drone",), sectors=["karabakh-centre"])),
    ]
    out = [Sample(name, view, _reports(n)) for n, (name, view) in enumerate(views, start=1)]
    follow = out[4]
    out.append(Sample("follow-up", follow.view, follow.reports,
                      frozenset({"new_deaths", "severity_up", "other_side_statement"})))
    return out


def _row(view: IncidentView) -> Incident:
    return Incident(
        id=view.id, first_published_at=view.first_published,
        last_published_at=view.last_published, severity=view.severity,
        headline="", sectors=",".join(view.sectors), view=view.to_json(),
    )


def _keyboard(markup: InlineKeyboardMarkup) -> str:
    return "\n".join(
        " ".join(f"[{button.text}]" for button in row) for row in markup.inline_keyboard
    )


def _menu_prefs(lang: str) -> list[tuple[str, ChatPrefs]]:
    plain = ChatPrefs(language=lang)
    busy = plain.with_(
        min_severity="medium", sectors=frozenset({"gegharkunik-kalbajar", "karabakh-north"}),
        quiet=parse_quiet("23-07"), timezone="Asia/Yerevan", mode="digest",
        digest_minute=8 * 60, include=("drone",), exclude=("exercise",),
        muted={"syunik-lachin": NOW + timedelta(hours=20)},
    )
    return [("defaults", plain), ("every setting changed", busy)]


def _alert_sections(lang: str) -> Iterator[Section]:
    for sample in samples():
        places = sample.view.location_ids
        if sample.changes:  # a reply to the alert above it: it names no place itself
            text, places = render_followup(sample.view, sample.changes, lang), ()
        else:
            text = render_alert(sample.view, sample.reports, lang)
            text += "\n" + _keyboard(alert_markup(sample.view.id, lang))
        yield Section(lang, f"Alert: {sample.name}", plain_text(text), places)


def _list_sections(lang: str) -> Iterator[Section]:
    rows = [_row(sample.view) for sample in samples() if not sample.changes]
    places = tuple(p for s in samples() for p in s.view.location_ids)
    yield Section(lang, "Digest", plain_text(render_digest(rows, lang)), places)
    yield Section(lang, "Digest, one incident", plain_text(render_digest(rows[:1], lang)))
    yield Section(lang, "Digest, nothing", plain_text(render_digest([], lang)))
    health = [
        SourceHealth("Armenpress", "https://armenpress.am/rss", "armenian", True, 0,
                     NOW, NOW - timedelta(minutes=4), None, 10),
        SourceHealth("APA", "https://apa.az/rss", "azerbaijani", True, 21, NOW, None,
                     "HTTP 503", 0),
        SourceHealth("New", "https://example.org/rss", None, True, 0, None, None, None, 0),
    ]
    yield Section(lang, "Sources", plain_text("\n".join(sources_text(health, lang, NOW))))


def _help_sections(lang: str) -> Iterator[Section]:
    yield Section(lang, "Help", plain_text(t(lang, "help")))
    menu = [f"/{name} — {t(lang, f'cmd_{name}')}" for name in (*COMMANDS, *ADMIN_COMMANDS)]
    yield Section(lang, "Command menu", "\n".join(menu))
    replies = ("start_hint", "subscribed", "already_subscribed", "unsubscribed",
               "not_subscribed", "settings_closed", "latest_none", "latest_none_subscribed",
               "quiet_set_off", "digest_off")
    yield Section(lang, "Replies", "\n".join(plain_text(t(lang, key)) for key in replies))


def _menu_sections(lang: str) -> Iterator[Section]:
    for label, prefs in _menu_prefs(lang):
        for page in sorted(PAGES - {"close"}):
            text = settings_text(prefs, "Border Watch", page, NOW)
            keyboard = _keyboard(settings_markup(-100, prefs, page))
            yield Section(lang, f"Settings ({label}): {page}", plain_text(text) + "\n" + keyboard)


def sections() -> list[Section]:
    """Every screen of the review set, language by language."""
    out: list[Section] = []
    for lang in LANGUAGES:
        out.extend(_alert_sections(lang))
        detail = samples()[4]
        out.append(Section(lang, "Incident details (/incident)",
                           plain_text(render_incident(detail.view, detail.reports, lang)),
                           detail.view.location_ids))
        out.extend(_list_sections(lang))
        out.extend(_menu_sections(lang))
        out.extend(_help_sections(lang))
        rows = [_row(s.view) for s in samples()[:2]]
        hits = [SearchHit(row, 1) for row in rows]
        query = default_gazetteer().get("am-sotk").display_name(lang)  # what a reader types
        out.append(Section(lang, "Search results", plain_text(search_text(hits, lang, query))))
        out.append(Section(lang, "Latest", plain_text("\n".join(incident_line(r, lang)
                                                                for r in rows))))
    return out


def render_review() -> str:
    """The review file: every section of `sections()` under a heading, in a text block."""
    parts = [
        "# Border Watch: every alert and menu as readers see them",
        "",
        "Generated by `scripts/render_review.py` from `testkit/review.py`; do not edit by hand.",
        "CI fails when this file is out of date, so a change to any text shows in review.",
    ]
    current = ""
    for section in sections():
        if section.lang != current:
            current = section.lang
            parts += ["", f"## {current}"]
        parts += ["", f"### {section.title}", "", "```text", section.text, "```"]
    return "\n".join(parts) + "\n"
