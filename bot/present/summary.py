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
from bot.domain import ACTIONS, ACTOR_SIDE
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
# acts a bare claim may state without naming who did them ("positions came under fire")
_STATED = frozenset({"fire", "shelling", "drone"})


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


def _said(lang: str, key: str, actor: str, **values: str) -> str:
    """One alert sentence spoken by `actor`: the catalog's form for the grammatical number of
    the actor's name in `lang` ("Armenia's Defence Ministry says", "Armenian officials say")."""
    form = "many" if t(lang, f"form_{actor}") == "many" else "one"
    return t(lang, f"{key}.{form}", who=_actor(lang, actor), **values)


def _places(lang: str, place_ids: Sequence[str]) -> str:
    gazetteer = default_gazetteer()
    names: list[str] = []
    for place_id in place_ids:
        try:
            place = gazetteer.get(place_id)
        except KeyError:
            continue
        if place.kind in {"region", "country", "province"}:
            continue
        name = (place.names.get(lang) or place.names.get("en") or (place.name,))[0]
        if name not in names:
            names.append(name)
    return ", ".join(names[:_MAX_PLACES])


def _statement_lines(view: IncidentView, lang: str) -> list[str]:
    """What each side says, one sentence per stance: an accusation names the accused and what
    they are said to have done (and where); a denial says so; a bare claim says what happened
    only when it names an act that positions suffered. No line just says a side "reports"."""
    lines: list[str] = []
    for statement in view.claims:
        actions = [a for a in ACTIONS if a in statement.actions]
        places = _places(lang, statement.place_ids)
        near = "_near" if places else ""
        extra = {"places": places} if places else {}
        if "accusation" in statement.stances and statement.accused:
            action = actions[0] if actions else "fire"
            accused = t(lang, f"side_{statement.accused[0]}")
            key = f"claim_accuses_{action}{near}"
            lines.append(_said(lang, key, statement.actor, accused=accused, **extra))
        elif "claim" in statement.stances and actions and actions[0] in _STATED:
            key = f"claim_states_{actions[0]}{near}"
            lines.append(_said(lang, key, statement.actor, **extra))
        if "denial" in statement.stances:
            lines.append(_said(lang, "claim_denies", statement.actor))
    return list(dict.fromkeys(lines))


def _figures(lang: str, killed: int | None, wounded: int | None) -> str:
    parts = []
    if killed:
        parts.append(t(lang, "killed", n=killed))
    if wounded:
        parts.append(t(lang, "wounded", n=wounded))
    return ", ".join(parts)


def _casualty_lines(view: IncidentView, lang: str) -> list[str]:
    """Figures with whose they are and who gives them: one line per figure however many
    sources give it (an official's name before "media"; "both sides" when both do). A side
    with losses reported but no figure gets one line saying so; casualties whose side is
    unclear only "casualties reported, figures unclear"."""
    numbered: dict[tuple[str | None, str | None, int | None, int | None], list[str]] = {}
    for f in view.casualties:
        if f.killed or f.wounded:
            key = (f.side, f.kind, f.killed, f.wounded)
            numbered.setdefault(key, []).append(f.claimed_by or "media")
    lines: list[str] = []
    for (side, kind, killed, wounded), claimants in numbered.items():
        whose = t(lang, f"whose_{side}") if side else ""
        kind_text = t(lang, f"kind_of_{kind}") if kind else ""
        sides = {ACTOR_SIDE[c] for c in claimants if c in ACTOR_SIDE}
        values = {"figures": _figures(lang, killed, wounded), "whose": whose, "kind": kind_text}
        if len(sides) > 1:
            line = t(lang, "casualties_line_both", **values)
        else:
            official = [c for c in claimants if c != "media"]
            who = _actor(lang, (official or claimants)[0])
            line = t(lang, "casualties_line", who=who, **values)
        lines.append(" ".join(line.split()).replace("( ", "(").replace(" )", ")"))
    counted = {side for side, _, _, _ in numbered}
    unclear = False
    for side in dict.fromkeys(f.side for f in view.casualties if not (f.killed or f.wounded)):
        if side is None:
            unclear = unclear or not numbered
        elif side not in counted:
            counted.add(side)
            claimants = [f.claimed_by or "media" for f in view.casualties if f.side == side]
            official = [c for c in claimants if c != "media"]
            whose = t(lang, f"whose_{side}")
            lines.append(_said(lang, "losses_unclear", (official or claimants)[0], whose=whose))
    if unclear and not lines:
        lines.append(t(lang, "casualties_unclear"))
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
    lines.extend(f"• {esc(line)}" for line in _statement_lines(view, lang))
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
