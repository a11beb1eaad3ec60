"""One alert per incident: group reports of the same real event into incidents.

Pure and deterministic: no clock, no globals, no I/O of its own (the default `GazetteerAreas`
reads the bundled gazetteer once, through `default_gazetteer`; pass `areas_of` to avoid even
that). The pipeline owns a `Clusterer`, feeds it the incident items it classified (`add`),
restores it after a restart from the database (`seed`) and trims it (`expire`).
`cluster_batch` runs the same clustering over a batch for `borderwatch classify`.

Matching (see `Clusterer._score`). Evidence is weighed between the new report and each report
of an incident, and the best pair counts, so an incident does not grow more permissive as it
collects places and names:

1. **Time.** A report's time is the event date the classifier read in its text when that is
   plausible (at most `MAX_BACKDATE` before publication, not after it), else its publication
   time (live: when the pipeline first saw it, if the feed gives none). Only incident reports
   within `window` of it count, before or after, so a report published earlier but arriving
   later still joins; an incident spans at most `max_span`. Same day scores 1, next day 0.5;
   two high or critical reports keep 0.5 for the whole window (heavy clashes go on, and are
   reported, for days). A report with no time at all (`Report.timeless`: a batch item with
   neither a publication date nor a date in its text) is never given the batch's time: it is
   matched on content only, after the dated reports. It joins an incident only on evidence that
   names one event, not one kind of event: a shared name, number or casualty figure (with
   `JOIN_SCORE` + `_TIMELESS_EXTRA` in all, a place and a name, say), or the day and month its
   text names without a year ("18 июня", "Հունիսի 4-ին") being a day of the incident (then
   `JOIN_SCORE` + `_DAY_MONTH_EXTRA`, the day counting as the same day). A day and month that is
   none of the incident's days rules the incident out; a war's days never count as agreement.
   Live, a report without a publication date takes the time the pipeline first saw it.
2. **Places.** Compared on gazetteer ids and border sectors, never on spellings, so Сотк and
   Sotk agree. Only places on the border count: capitals in datelines ("YEREVAN, ...", "Baku
   says"), all-capital datelines and countries do not. A region counts as the sectors it
   borders ("on the Nakhchivan border" is not Aghdam). A report's *primary* places are those
   named in its title when the title names a village, district or feature, else all of its
   places. A shared place scores 2.5, the same sector or a place within `NEIGHBOUR_KM` 1.5;
   a sector shared only because one report is placed by nothing finer than a region or
   province spanning several sectors ("on the Nakhchivan border" beside Yeraskh) 0.5, unless
   both reports are critical (an offensive along a front is placed by its region).
   Primary places that share neither with the incident veto the match, so two same-day events
   in different sectors stay apart. A province without a sector of its own (Syunik) is in
   every sector it touches.
3. **Facts.** The same casualty figure for the same side (+1, +0.5 for a lone death or for
   wounded), shared heavy weapons (+0.5), a denial by one side of what the other side claimed
   or accused (+1: a denial joins the claim it denies). Two reports that each count dead of
   one side only, not the same side, and agree only on the sector, count -1: one side's dead
   here and the other side's there are two events unless a place, name or figure ties them.
4. **Text.** Language-independent tokens (+1 each, at most +2, so one shared name and the
   same day join): names romanised by `anyascii` and folded to one Latin skeleton (Гафаров,
   Gafarov, Qafarov) and compared on their first six letters, so inflected forms agree: the
   killed and captured, operations, commanders; and numbers, except days of months. Names the
   gazetteer resolved are left out (places count once), and so are the parties, capitals,
   ministries and months. Counts written in words in any of the four languages are numbers
   ("семеро", "seven", "յոթ" = 7). The same explicit event day in both texts +0.5; explicit event
   dates more than a day apart -2.
5. **Only event of the day.** When the report or the incident names no border place at all
   and no other incident lies within `_ALONE_GAP`, that counts +0.5 (+1 when both are high or
   critical): terse "the enemy fired at our positions" or "losses after the clash" items
   belong to the day's one event; not when their dead are of different sides (above). A lesser
   report is not folded into the day's major event on time alone: live, the day's other
   incidents may not have been reported yet.
6. A report joins the best-scoring incident when the score reaches `JOIN_SCORE` (2), else it
   opens a new incident.

**Wars.** While an incident is *critical* and has at least two critical reports (the April
2016 war, the 2020 war, the 2022 and 2023 offensives; one report's grade alone may come from a
background toll), further critical reports join it whatever places they name as long as they keep
coming within `war_gap` of each other, and high-severity reports within `window` join it too:
one incident per war, whose alert is edited (within the follow-up bound) rather than one alert
per village or per day. A report of any severity placed only by a region the war is fought in
("11 more killed in the battles in Karabakh") joins it too. Lower-severity reports in other
sectors during a war stay separate.

Incidents are never merged after the fact: an alert already sent keeps its id. Reports are
idempotent per `item_id`.
"""

from bot.clustering.areas import GazetteerAreas
from bot.clustering.clusterer import (
    DEFAULT_MAX_SPAN,
    DEFAULT_WAR_GAP,
    DEFAULT_WINDOW,
    Clusterer,
    cluster_batch,
    default_id,
)
from bot.clustering.followups import (
    DEFAULT_MAX_FOLLOWUPS,
    DEFAULT_MAX_REPLIES,
    FollowupCounts,
    followup_action,
)
from bot.clustering.types import (
    CHANGES,
    ActorStatement,
    AreaLookup,
    Assignment,
    CasualtyFigure,
    Change,
    FollowupAction,
    IncidentView,
    Report,
)
from bot.clustering.voice import in_own_voice

__all__ = [
    "CHANGES",
    "DEFAULT_MAX_FOLLOWUPS",
    "DEFAULT_MAX_REPLIES",
    "DEFAULT_MAX_SPAN",
    "DEFAULT_WAR_GAP",
    "DEFAULT_WINDOW",
    "ActorStatement",
    "AreaLookup",
    "Assignment",
    "CasualtyFigure",
    "Change",
    "Clusterer",
    "FollowupAction",
    "FollowupCounts",
    "GazetteerAreas",
    "IncidentView",
    "Report",
    "cluster_batch",
    "default_id",
    "followup_action",
    "in_own_voice",
]
