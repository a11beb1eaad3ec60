"""Balanced incident summaries in Telegram HTML: pure functions.

Balanced by construction: the renderer has no way to state a fact. Everything after the
headline is a claim with its claimant ("Armenia's MoD says …", "Azerbaijan's MoD denies …"),
casualties are "as claimed by …", and an incident heard from one side only says so and that
it is not confirmed independently. The headline itself names only what, where and when, and
says "reported". Fixed parts come from the catalog in the reader's language; the facts come
from the extractor (place names from the gazetteer in that language), never from machine
translation. Feed text (source names, titles) is escaped.

Every sentence is one catalog template with named slots, in the order its language needs:
places sit inside the event phrase, an actor has a subject form (whose grammatical number
the verb follows: `form_<a>`) and an "according to" form (`actor_<a>_src`), counts
take the catalog's plural forms, and a fact nobody gave (a side, a kind) is left out of the
sentence rather than shown blank.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.clustering import IncidentView
from bot.domain import ACTIONS, ACTOR_SIDE
from bot.present.formatting import TELEGRAM_LIMIT, esc, link, shorten_html
from bot.present.i18n import LANGUAGES, day_time, join_names, month_day, number, t, tn
from bot.present.places import MAX_PLACES, incident_places

__all__ = [
    "LANGUAGES",
    "ReportRef",
    "according_to",
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
# acts a bare claim may state without naming who did them ("positions came under fire")
_STATED = frozenset({"fire", "shelling", "drone"})


@dataclass(frozen=True, slots=True)
class ReportRef:
    """One report of an incident, as the summary lists it."""

    source: str
    url: str | None
    title: str
    published: datetime | None


def place_names(view: IncidentView, lang: str, limit: int = MAX_PLACES) -> list[str]:
    """Names of the incident's most specific places in `lang`, settlements first."""
    return incident_places(view.location_ids, lang, limit)


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
    """What, where and (when `dated`) when, as plain text (escape before use in HTML).

    Each kind has a template with the places inside the sentence where the language puts
    them (`kind_shelling_at`: "Shelling reported near {places}") and one without places.
    """
    kind = event_kind(view)
    places = place_names(view, lang)
    what = t(lang, f"{kind}_at", places=join_names(places, lang)) if places else t(lang, kind)
    if not dated:
        return what
    return t(lang, "headline_dated", what=what, date=month_day(view.event_start, lang))


def _said(lang: str, key: str, actor: str, **values: str) -> str:
    """A statement by `actor`: the catalog's `key.one` or `key.many` for the grammatical
    number of the actor's name in `lang` ("Armenia's Defence Ministry says", "СМИ сообщают")."""
    form = "many" if t(lang, f"form_{actor}") == "many" else "one"
    return t(lang, f"{key}.{form}", who=t(lang, f"actor_{actor}"), **values)


def according_to(lang: str, actors: Sequence[str]) -> str:
    """"according to Armenia's Defence Ministry and news reports", each claimant once."""
    names = [t(lang, f"actor_{a}_src") for a in dict.fromkeys(actors)]
    return t(lang, "according_to", who=join_names(names, lang))


def _statement_lines(view: IncidentView, lang: str) -> list[str]:
    """What each side says, one sentence per stance: an accusation names the accused and what
    they are said to have done (and where); a denial says so; a bare claim says what happened
    only when it names an act that positions suffered. No line just says a side "reports"."""
    lines: list[str] = []
    for statement in view.claims:
        actions = [a for a in ACTIONS if a in statement.actions]
        places = join_names(incident_places(statement.place_ids, lang), lang)
        near = "_near" if places else ""
        extra = {"places": places} if places else {}
        if "accusation" in statement.stances and statement.accused:
            # an accusation that names no act ("called the attack treacherous") says whom
            # it blames, never an act nobody named
            action = actions[0] if actions else "blame"
            accused = join_names([t(lang, f"side_{s}") for s in statement.accused], lang)
            key = f"claim_accuses_{action}{near}"
            lines.append(_said(lang, key, statement.actor, accused=accused, **extra))
        elif "claim" in statement.stances and actions and actions[0] in _STATED:
            key = f"claim_states_{actions[0]}{near}"
            lines.append(_said(lang, key, statement.actor, **extra))
        if "denial" in statement.stances:
            lines.append(_said(lang, "claim_denies", statement.actor))
    return list(dict.fromkeys(lines))


def _casualty_head(lang: str, side: str | None, kind: str | None) -> str:
    """Whose casualties: "Armenian servicemen", "the Armenian side", "civilians", or ""."""
    if side and kind:
        return t(lang, f"cas_{kind}_{side}")
    if side:
        return t(lang, f"cas_side_{side}")
    return t(lang, f"cas_{kind}") if kind else ""


def _casualty_lines(view: IncidentView, lang: str) -> list[str]:
    """One line per distinct figure, naming every claimant of it once (officials before the
    media; "both sides" when both sides give it). A side nobody gave or a kind nobody gave is
    left out of the sentence, not shown blank. A side with losses but no figure gets one line
    saying so; casualties whose side is unclear only "casualties reported, figures unclear"."""
    numbered: dict[tuple[str | None, str | None, int, int], list[str]] = {}
    for figure in view.casualties:
        if figure.killed or figure.wounded:
            key = (figure.side, figure.kind, figure.killed or 0, figure.wounded or 0)
            numbered.setdefault(key, []).append(figure.claimed_by or "media")
    lines: list[str] = []
    for (side, kind, killed, wounded), claimants in numbered.items():
        counts = []
        if killed:
            counts.append(tn(lang, "cas_killed", killed))
        if wounded:
            counts.append(tn(lang, "cas_wounded", wounded))
        sides = {ACTOR_SIDE[c] for c in claimants if c in ACTOR_SIDE}
        if len(sides) > 1:
            according = t(lang, "according_both")
        else:
            according = according_to(lang, sorted(claimants, key=lambda c: c == "media"))
        values = {"figures": join_names(counts, lang), "according": according}
        head = _casualty_head(lang, side, kind)
        if head:
            lines.append(t(lang, "cas_line", head=head, **values))
        else:
            lines.append(t(lang, "cas_line_nohead", **values))
    counted = {side for side, _, _, _ in numbered}
    unclear = False
    for side in dict.fromkeys(f.side for f in view.casualties if not (f.killed or f.wounded)):
        if side is None:
            unclear = unclear or not numbered
        elif side not in counted:
            counted.add(side)
            claimants = [f.claimed_by or "media" for f in view.casualties if f.side == side]
            official = [c for c in claimants if c != "media"]
            lines.append(_said(lang, f"losses_unclear_{side}", (official or claimants)[0]))
    if unclear and not lines:
        lines.append(t(lang, "casualties_unclear"))
    return lines


def _html(lang: str, key: str, **markup: str) -> str:
    """A catalog template escaped for HTML, filled with values that already are HTML."""
    return esc(t(lang, key)).format(**markup)


def _sources_line(reports: Sequence[ReportRef], lang: str) -> str:
    seen: dict[str, ReportRef] = {}
    for ref in reports:
        seen.setdefault(ref.source, ref)
    refs = list(seen.values())
    shown = ", ".join(link(r.url, r.source) for r in refs[:_MAX_SOURCES])
    more = len(refs) - _MAX_SOURCES
    if more > 0:
        shown += " " + esc(t(lang, "and_more", n=number(more, lang)))
    return _html(lang, "sources_line", sources=shown)


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
        lines.append(esc(t(lang, "severity_line", severity=severity)))
    lines.append(_sources_line(reports, lang))
    lines.append(f"/incident_{esc(command_id(view.id))}")
    return shorten_html("\n".join(lines), TELEGRAM_LIMIT)


def render_followup(view: IncidentView, changes: Iterable[str], lang: str) -> str:
    """The short reply to the original alert when severity rises or deaths are reported."""
    what = [t(lang, f"change_{c}") for c in sorted(set(changes)) if c]
    lines = [f"<b>{esc(t(lang, 'update_line', changes=join_names(what, lang)))}</b>"]
    lines.extend(f"• {esc(line)}" for line in _casualty_lines(view, lang))
    if view.severity:
        severity = t(lang, f"severity_{view.severity}")
        lines.append(esc(t(lang, "severity_line", severity=severity)))
    return shorten_html("\n".join(lines), TELEGRAM_LIMIT)


def render_incident(view: IncidentView, reports: Sequence[ReportRef], lang: str) -> str:
    """The whole incident for /incident: summary, then the timeline of reports."""
    parts = [render_alert(view, reports, lang)]
    parts.append(f"\n<b>{esc(t(lang, 'timeline'))}</b>")
    for ref in reports:
        when = f"{day_time(ref.published, lang)} UTC · " if ref.published else ""
        parts.append(f"{esc(when)}{link(ref.url, ref.source)} · {esc(ref.title)}")
    return shorten_html("\n".join(parts), TELEGRAM_LIMIT)


def command_id(incident_id: str) -> str:
    """The id as a tappable command suffix: "inc-20260101-ab12" -> "inc_20260101_ab12"
    (Telegram commands allow only [A-Za-z0-9_])."""
    return incident_id.replace("-", "_")
