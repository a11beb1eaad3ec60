"""Features that tell the violence belongs to something else than a new armed event: history,
analysis or talks beside it, a court in the headline, or a named non-hostile cause
(`causes.explain_violence`: a mine, an accident, drills, another country's war).
"""

from __future__ import annotations

from bot.classifier.causes import explain_violence
from bot.classifier.features.base import Evidence, FeatureInput, feature
from bot.classifier.features.fire import VIOLENCE
from bot.classifier.lexicon import Match

__all__ = [
    "background_violence",
    "title_court",
    "title_history",
    "violence_explained",
]

_BACKGROUND = frozenset({"history", "analysis", "talks", "exchange", "humanitarian"})
_TITLE_BACKGROUND = frozenset({"history", "analysis", "talks", "rights_report", "exchange"})


@feature("background_violence", -1.0, "violence words only beside history, analysis, talks")
def background_violence(inp: FeatureInput) -> Evidence | None:
    violence = inp.group(*VIOLENCE)
    if not violence or not inp.groups & _BACKGROUND:
        return None
    if "clock_time" in inp.feats or "date_recent" in inp.feats:
        return None
    bg: list[Match] = inp.group(*_BACKGROUND)
    return Evidence(1.0, inp.snippets(violence[:1]) + " + " + inp.snippets(bg[:2]))


@feature(
    "title_court", -1.0,
    "a court, trial, hearing or verdict in the headline: proceedings about acts of the past",
)  # fmt: skip
def title_court(inp: FeatureInput) -> Evidence | None:
    ms = [m for m in inp.signal if m.start < inp.title_end and m.group == "court"]
    return Evidence(1.0, inp.snippets(ms)) if ms else None


@feature("title_history", -1.0, "an anniversary, history, analysis or talks cue in the headline")
def title_history(inp: FeatureInput) -> Evidence | None:
    ms = [m for m in inp.signal if m.start < inp.title_end and m.group in _TITLE_BACKGROUND]
    return Evidence(1.0, inp.snippets(ms)) if ms else None


@feature("violence_explained", -1.0, "the violence has a named non-hostile cause")
def violence_explained(inp: FeatureInput) -> Evidence | None:
    end = inp.lead_end()
    lead = {m.group for m in inp.signal if m.start < end}
    explained = explain_violence(inp.groups, inp.feats, bool(inp.border), bool(inp.sides), lead)
    if explained is None:
        return None
    reason, dropped = explained
    return Evidence(1.0, reason, drops=dropped)
