"""Benchmark the fact extractor on the long articles with gold facts.

    python benchmarks/facts.py [--corpus ../shared/corpus/longform.jsonl] [--verbose]
    python benchmarks/facts.py --corpus benchmarks/data/unseen_longform.jsonl

The facts are scored as an alert would carry them: on the articles the classifier flags as
incidents (a gold incident it misses loses its figures from the recall). Printed separately for
the LA half (the one the extractor was tuned on) and the LB half (held out: read for errors
only after tuning, never tuned on), then for both. Articles whose id is neither `LA…` nor
`LB…` form one "unseen" set: `benchmarks/data/unseen_longform.jsonl` (U01…U24, written by
someone who had not read the extractor's rules, in the corpus format) is scored that way as a
whole held-out set. Never tune on it: its figures are the check on text the extractor has not
seen.

- casualty figures: each (side, killed|wounded, number) the extractor gives is right when the
  gold has that figure for that side; precision and recall over figures;
- fabricated: articles with a figure whose number is in no gold figure of the article, or is
  one of its background numbers; wrong side: articles with a figure whose number the gold
  gives only to the other side;
- claims: (side, accuses|denies) pairs, precision / recall / F1 ("reports" is not scored: the
  alert no longer prints it);
- weapons: (article, weapon) pairs, precision and recall.

Then the regression check on the short items (`items.jsonl`: incidents flagged, severity).
The last lines are a compact summary of the key figures (held-out and all).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.classifier import Classification, ItemText, default_classifier
from bot.domain import ACTOR_SIDE

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO / ".." / "shared" / "corpus" / "longform.jsonl"
DEFAULT_ITEMS = REPO / ".." / "shared" / "corpus" / "items.jsonl"
_STANCE = {"accusation": "accuses", "denial": "denies"}
UNSEEN = "unseen"  # the half of any article that is neither LA nor LB
_NUMBER = re.compile(r"\d[\d\s.,]*\d|\d")


@dataclass
class Tally:
    """Counts over one set of articles."""

    articles: int = 0
    flagged: int = 0
    fig_tp: int = 0
    fig_pred: int = 0
    fig_gold: int = 0
    fabricated: list[str] = field(default_factory=list)
    negatives_flagged: list[str] = field(default_factory=list)  # gold negatives alerted
    wrong_side: list[str] = field(default_factory=list)
    claim_tp: int = 0
    claim_pred: int = 0
    claim_gold: int = 0
    weapon_tp: int = 0
    weapon_pred: int = 0
    weapon_gold: int = 0

    def add(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        for name, value in vars(other).items():
            mine = getattr(self, name)
            setattr(self, name, mine + value)


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _as_int(written: str) -> int | None:
    """A background number as written ("6,500", "6 500", "two") -> int, when it has digits."""
    digits = re.sub(r"\D", "", written)
    return int(digits) if digits else None


def _gold_figures(gold: dict[str, Any]) -> set[tuple[str, str, int]]:
    out: set[tuple[str, str, int]] = set()
    for c in gold["casualties"]:
        for name in ("killed", "wounded"):
            if c.get(name):
                out.add((c["side"], name, int(c[name])))
    return out


def _pred_figures(result: Classification) -> set[tuple[str, str, int]]:
    out: set[tuple[str, str, int]] = set()
    for c in result.casualties:
        for name in ("killed", "wounded"):
            value = getattr(c, name)
            if value:
                out.add((c.side or "unknown", name, int(value)))
    return out


def _claims(result: Classification) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for c in result.claims:
        stance = _STANCE.get(c.stance)
        if stance is None:
            continue
        side = ACTOR_SIDE.get(c.actor) or ("third" if c.actor == "third_party" else None)
        if side is not None:
            out.add((side, stance))
    return out


def score(row: dict[str, Any], result: Classification, tally: Tally, verbose: bool) -> None:
    """Add one article's scores to `tally`."""
    gold = row["gold"]
    tally.articles += 1
    gold_figs = _gold_figures(gold)
    gold_claims = {(c["side"], c["stance"]) for c in gold["claims"] if c["stance"] != "reports"}
    gold_weapons = set(gold["weapons"])
    tally.fig_gold += len(gold_figs)
    tally.claim_gold += len(gold_claims)
    tally.weapon_gold += len(gold_weapons)
    if not result.incident:
        if verbose and row["label"] == "incident":
            print(f"  {row['id']}: missed by the classifier", file=sys.stderr)
        return
    tally.flagged += 1
    if row["label"] != "incident":
        tally.negatives_flagged.append(row["id"])
    figs = _pred_figures(result)
    background = {n for n in map(_as_int, gold["background_numbers"]) if n is not None}
    gold_numbers = {n for _, _, n in gold_figs}
    tally.fig_pred += len(figs)
    tally.fig_tp += len(figs & gold_figs)
    fabricated = [
        f
        for f in figs
        if f[2] not in gold_numbers or (f[2] in background and f not in gold_figs)
    ]
    wrong = [
        f
        for f in figs
        if f not in gold_figs and any(g[1:] == f[1:] and g[0] != f[0] for g in gold_figs)
    ]
    if fabricated:
        tally.fabricated.append(row["id"])
    if wrong:
        tally.wrong_side.append(row["id"])
    claims = _claims(result)
    tally.claim_pred += len(claims)
    tally.claim_tp += len(claims & gold_claims)
    weapons = set(result.weapons)
    tally.weapon_pred += len(weapons)
    tally.weapon_tp += len(weapons & gold_weapons)
    if verbose and (figs != gold_figs or claims != gold_claims or weapons != gold_weapons):
        print(
            f"  {row['id']} ({row['lang']}): figures {sorted(figs)} gold {sorted(gold_figs)}"
            f"\n      claims {sorted(claims)} gold {sorted(gold_claims)}"
            f"\n      weapons {sorted(weapons)} gold {sorted(gold_weapons)}",
            file=sys.stderr,
        )


def _row(name: str, t: Tally) -> str:
    cp, cr = _ratio(t.fig_tp, t.fig_pred), _ratio(t.fig_tp, t.fig_gold)
    lp, lr = _ratio(t.claim_tp, t.claim_pred), _ratio(t.claim_tp, t.claim_gold)
    wp, wr = _ratio(t.weapon_tp, t.weapon_pred), _ratio(t.weapon_tp, t.weapon_gold)
    return (
        f"{name:<18}{t.articles:>5}{t.flagged:>6}  {cp:5.3f} {cr:5.3f} ({t.fig_tp}/{t.fig_pred}/"
        f"{t.fig_gold})  {len(t.fabricated):>4} {len(t.wrong_side):>5}   {lp:5.3f} {lr:5.3f} "
        f"{_f1(lp, lr):5.3f}   {wp:5.3f} {wr:5.3f}"
    )


def load(path: Path) -> list[dict[str, Any]]:
    """The articles of a JSON Lines file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _item(row: dict[str, Any]) -> ItemText:
    published = datetime.fromisoformat(row["published"]) if row.get("published") else None
    return ItemText(
        id=row["id"], title=row["title"], summary=row["summary"], lang=row["lang"],
        published=published,
    )


_HALVES = {"LA": "LA (tuned)", "LB": "LB (held out)", UNSEEN: "unseen (held out)"}


def half_of(article_id: str) -> str:
    """The set an article is scored in: its `LA`/`LB` prefix, else the unseen set."""
    prefix = article_id[:2]
    return prefix if prefix in ("LA", "LB") else UNSEEN


def run(rows: Sequence[dict[str, Any]], verbose: bool) -> dict[str, Tally]:
    """Tallies per half (LA, LB or unseen, by id) and for all articles."""
    classifier = default_classifier()
    results = classifier.classify_all([_item(r) for r in rows])
    halves: dict[str, Tally] = {}
    for row, result in zip(rows, results, strict=True):
        score(row, result, halves.setdefault(half_of(row["id"]), Tally()), verbose)
    total = Tally()
    for t in halves.values():
        total.add(t)
    halves["all"] = total
    return halves


def short_items(path: Path) -> str:
    """The regression check on short items (no gold figures there): incidents still flagged,
    severity against the gold, and how many items carry a casualty figure at all."""
    rows = load(path)
    items = [
        ItemText(
            id=r["id"], title=r["title"], summary=r.get("summary") or "", lang=r.get("lang"),
            published=datetime.fromisoformat(r["published"]).replace(tzinfo=UTC)
            if r.get("published") else None,
        )
        for r in rows
    ]  # fmt: skip
    results = default_classifier().classify_all(items)
    gold = [(r, x) for r, x in zip(rows, results, strict=True) if r["label"] == "incident"]
    flagged = sum(1 for _, x in gold if x.incident)
    severity = sum(1 for r, x in gold if x.severity == r["severity"])
    figures = sum(1 for x in results if any(c.killed or c.wounded for c in x.casualties))
    return (
        f"short items ({path.name}, in-sample weights): {flagged}/{len(gold)} incidents flagged, "
        f"severity exact {severity / len(gold):.3f}, {figures} items with a casualty figure"
    )


def _summary(label: str, t: Tally) -> str:
    cp, cr = _ratio(t.fig_tp, t.fig_pred), _ratio(t.fig_tp, t.fig_gold)
    lp, lr = _ratio(t.claim_tp, t.claim_pred), _ratio(t.claim_tp, t.claim_gold)
    return (
        f"{label}: fabricated={len(t.fabricated)} wrong_side={len(t.wrong_side)} "
        f"casualty_P={cp:.3f} casualty_R={cr:.3f} claims_F1={_f1(lp, lr):.3f}"
    )


def main(argv: Iterable[str] | None = None) -> None:
    """Print the tables and the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--items", type=Path, default=DEFAULT_ITEMS)
    parser.add_argument("--verbose", action="store_true", help="list every article's errors")
    args = parser.parse_args(list(argv) if argv is not None else None)
    started = time.perf_counter()
    rows = load(args.corpus)
    halves = run(rows, args.verbose)
    names = {k: v for k, v in _HALVES.items() if k in halves}
    print(f"Facts on {args.corpus.name}: {len(rows)} articles; " + ", ".join(names.values()))
    print(
        f"{'half':<18}{'arts':>5}{'flag':>6}  {'casP':>5} {'casR':>5} (tp/pred/gold)  "
        f"{'fab':>4} {'wside':>5}   {'clmP':>5} {'clmR':>5} {'clmF1':>5}   {'wpnP':>5} {'wpnR':>5}"
    )
    for key in sorted(k for k in halves if k != "all"):
        print(_row(names[key], halves[key]))
    print(_row("all", halves["all"]))
    for key in sorted(halves):
        t = halves[key]
        if t.fabricated or t.wrong_side:
            on_negatives = [a for a in t.fabricated if a in t.negatives_flagged]
            print(f"  {key}: fabricated in {t.fabricated} ({len(on_negatives)} of them gold "
                  f"negatives the classifier flags); wrong side in {t.wrong_side}")
    if args.items.exists():
        print(short_items(args.items))
    print(f"time: {time.perf_counter() - started:.1f} s")
    for key, label in (("LB", "held-out LB"), (UNSEEN, "held-out unseen")):
        if key in halves:
            print(_summary(label, halves[key]))
    print(_summary("all", halves["all"]))


if __name__ == "__main__":
    main()
