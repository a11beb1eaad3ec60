"""Balanced incident summaries in Telegram HTML: pure functions.

Balanced by construction: the renderer has no way to state a fact. Everything after the
headline is a claim with its claimant ("Armenia's MoD says …", "Azerbaijan's MoD denies …"),
casualties are "as claimed by …", and an incident heard from one side only says so and that
it is not confirmed independently. The headline itself names only what, where and when, and
says "reported". Fixed parts come from the catalog in the reader's language; the facts come
from the extractor (place names from the gazetteer in that language), never from machine
translation. Feed text (source names, titles) is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.classifier.gazetteer import default_gazetteer
from bot.clustering import IncidentView
from bot.present.formatting import TELEGRAM_LIMIT, esc, link, shorten_html
from bot.present.i18n import LANGUAGES, month_day, t

__all__ = [
    "LANGUAGES",
    "ReportRef",
    "command_id",
    "event_kind",
    "headline",
    "place_names",
    "render_alert",
    "render_followup",
    "render_incident",
]

SEVERITY_ICON = {"critical": "🟥", "high": "🔴", "medium": "🟠", "low": "🟡", None: "⚪"}
_MAX_SOURCES = 8
_MAX_PLACES = 3


@dataclass(frozen=True, slots=True)
class ReportRef:
    """One report of an incident, as the summary lists it."""

    source: str
    url: str | None
    title: str
    published: datetime | None


def place_names(view: IncidentView, lang: str, limit: int = _MAX_PLACES) -> list[str]:
    """Names of the incident's most specific places in `lang`, settlements first."""
    gazetteer = default_gazetteer()
    order = {"settlement": 0, "feature": 1, "district": 2, "province": 3, "region": 4}
    places = []
    for place_id in view.location_ids:
        try:
            places.append(gazetteer.get(place_id))
        except KeyError:
            continue
    places.sort(key=lambda p: order.get(p.kind, 5))
    specific = [p for p in places if p.kind not in {"region", "country"}] or places
    names: list[str] = []
    for place in specific[:limit]:
        localized = place.names.get(lang) or place.names.get("en") or (place.name,)
        names.append(localized[0])
    return names


def event_kind(view: IncidentView) -> str:
    """The catalog key naming what happened, from the weapons and casualties reported."""
    weapons = set(view.weapons)
    if view.severity == "critical":
        return "kind_fighting"
    if "drone" in weapons or "aircraft" in weapons:
        return "kind_drone"
    if weapons & {"artillery", "mortar", "rocket", "tank"}:
        return "kind_shelling"
    if "sniper" in weapons:
        return "kind_sniper"
    if any(c.killed or c.wounded for c in view.casualties):
        return "kind_casualties"
    if any("denial" in s.stances for s in view.claims) and not any(
        "claim" in s.stances or "accusation" in s.stances for s in view.claims
    ):
        return "kind_denied"
    return "kind_firing"


def headline(view: IncidentView, lang: str, *, dated: bool = True) -> str:
    """What, where, when, as plain text (escape before use in HTML); without the date for
    lists that show it in a column of their own."""
    what = t(lang, event_kind(view))
    places = place_names(view, lang)
    where = t(lang, "near", places=", ".join(places)) if places else ""
    when = f"({month_day(view.event_start, lang)})" if dated else ""
    return " ".join(part for part in (what, where, when) if part)


def _actor(lang: str, actor: str) -> str:
    return t(lang, f"actor_{actor}")


def _statement_lines(view: IncidentView, lang: str) -> list[str]:
    lines: list[str] = []
    for statement in view.claims:
        who = _actor(lang, statement.actor)
        accused = ", ".join(t(lang, f"side_{s}") for s in statement.accused)
        for stance in statement.stances:
            if stance == "accusation" and accused:
                lines.append(t(lang, "says_accuses", who=who, accused=accused))
            elif stance == "denial":
                lines.append(t(lang, "says_denies", who=who))
            elif stance == "claim" or (stance == "accusation" and not accused):
                lines.append(t(lang, "says_reports", who=who))
    return list(dict.fromkeys(lines))


def _casualty_lines(view: IncidentView, lang: str) -> list[str]:
    lines: list[str] = []
    for figure in view.casualties:
        if not (figure.killed or figure.wounded):
            continue
        parts = []
        if figure.killed:
            parts.append(t(lang, "killed", n=figure.killed))
        if figure.wounded:
            parts.append(t(lang, "wounded", n=figure.wounded))
        whose = t(lang, f"whose_{figure.side}") if figure.side else ""
        kind = t(lang, f"kind_of_{figure.kind}") if figure.kind else ""
        who = _actor(lang, figure.claimed_by or "media")
        lines.append(
            t(lang, "casualties_line", figures=", ".join(parts), whose=whose, kind=kind, who=who)
            .replace("  ", " ")
        )
    return lines


def _sources_line(reports: Sequence[ReportRef], lang: str) -> str:
    seen: dict[str, ReportRef] = {}
    for ref in reports:
        seen.setdefault(ref.source, ref)
    refs = list(seen.values())
    shown = ", ".join(link(r.url, r.source) for r in refs[:_MAX_SOURCES])
    more = len(refs) - _MAX_SOURCES
    if more > 0:
        shown += " " + esc(t(lang, "and_more", n=more))
    return f"{esc(t(lang, 'sources'))}: {shown}"


def render_alert(
    view: IncidentView, reports: Sequence[ReportRef], lang: str, *, headline_only: bool = False
) -> str:
    """The alert message (also the text of its later edits)."""
    title = headline(view, lang)
    if headline_only:
        return title
    icon = SEVERITY_ICON.get(view.severity, "⚪")
    severity = t(lang, f"severity_{view.severity}") if view.severity else ""
    lines = [f"{icon} <b>{esc(title)}</b>"]
    statements = _statement_lines(view, lang)
    lines.extend(f"• {esc(line)}" for line in statements)
    if not statements:
        lines.append(f"• {esc(t(lang, 'says_reports', who=_actor(lang, 'media')))}")
    lines.extend(f"• {esc(line)}" for line in _casualty_lines(view, lang))
    if len(set(view.sides_heard)) < 2:
        lines.append(f"<i>{esc(t(lang, 'one_side_only'))}</i>")
    lines.append(f"<i>{esc(t(lang, 'not_confirmed'))}</i>")
    if severity:
        lines.append(f"{esc(t(lang, 'severity'))}: {esc(severity)}")
    lines.append(_sources_line(reports, lang))
    lines.append(f"/incident_{esc(command_id(view.id))}")
    return shorten_html("\n".join(lines), TELEGRAM_LIMIT)


def render_followup(view: IncidentView, changes: Iterable[str], lang: str) -> str:
    """The short reply to the original alert when severity rises or deaths are reported."""
    what = [t(lang, f"change_{c}") for c in sorted(set(changes)) if c]
    lines = [f"<b>{esc(t(lang, 'update'))}</b>: {esc('; '.join(what))}"]
    lines.extend(f"• {esc(line)}" for line in _casualty_lines(view, lang))
    if view.severity:
        severity = t(lang, f"severity_{view.severity}")
        lines.append(f"{esc(t(lang, 'severity'))}: {esc(severity)}")
    return shorten_html("\n".join(lines), TELEGRAM_LIMIT)


def render_incident(view: IncidentView, reports: Sequence[ReportRef], lang: str) -> str:
    """The whole incident for /incident: summary, then the timeline of reports."""
    parts = [render_alert(view, reports, lang)]
    parts.append(f"\n<b>{esc(t(lang, 'timeline'))}</b>")
    for ref in reports:
        when = ref.published.strftime("%Y-%m-%d %H:%M") if ref.published else "?"
        parts.append(f"{esc(when)} UTC · {link(ref.url, ref.source)}: {esc(ref.title)}")
    return shorten_html("\n".join(parts), TELEGRAM_LIMIT)


def command_id(incident_id: str) -> str:
    """The id as a tappable command suffix: "inc-20260101-ab12" -> "inc_20260101_ab12"
    (Telegram commands allow only [A-Za-z0-9_])."""
    return incident_id.replace("-", "_")
