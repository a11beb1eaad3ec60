"""`borderwatch classify`: JSON Lines in, one verdict per line out, in the same order.

Incident items of the batch are clustered in publication order by the same `Clusterer` the
live pipeline uses, so `incident_id` groups reports of one event exactly as alerts would. An
item without `published` takes the event date its text gives; with none it has no time at all
and is matched on content only (`Report.timeless`), never on the time the batch runs.
A malformed line yields an object with `error` in its place (nothing is skipped silently).
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any

from bot.classifier import Classification, Classifier, ItemText, default_classifier
from bot.clustering import Report, cluster_batch

__all__ = ["classify_lines", "parse_item"]


def parse_item(obj: Any) -> ItemText:
    """Validate one input object; raise ValueError with a readable reason."""
    if not isinstance(obj, dict):
        raise ValueError("each line must be a JSON object")
    item_id = obj.get("id")
    if not isinstance(item_id, (str, int)) or isinstance(item_id, bool) or str(item_id) == "":
        raise ValueError("'id' must be a non-empty string or integer")
    title, summary = obj.get("title"), obj.get("summary", "")
    if not isinstance(title, str):
        raise ValueError("'title' must be a string")
    if summary is None:
        summary = ""
    if not isinstance(summary, str):
        raise ValueError("'summary' must be a string")
    for key in ("lang", "url", "source", "published"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise ValueError(f"'{key}' must be a string")
    published = None
    if obj.get("published"):
        try:
            published = datetime.fromisoformat(obj["published"].replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("'published' must be an ISO 8601 date or date-time") from None
        if published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        published = published.astimezone(UTC)
    return ItemText(
        id=str(item_id),
        title=title,
        summary=summary,
        lang=obj.get("lang") or None,
        published=published,
        url=obj.get("url"),
        source=obj.get("source"),
    )


def classify_lines(
    lines: Iterable[tuple[int, str]],
    *,
    explain: bool = False,
    now: datetime,
    classifier: Classifier | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Classify numbered JSON lines; return the output objects and the error messages."""
    results: list[dict[str, Any]] = []
    errors: list[str] = []
    items: list[tuple[int, ItemText]] = []
    for number, line in lines:
        raw: Any = None
        try:
            raw = json.loads(line)
            item = parse_item(raw)
        except ValueError as exc:  # json.JSONDecodeError is a ValueError too
            message = f"line {number}: {exc}"
            errors.append(message)
            results.append(
                {"id": raw.get("id") if isinstance(raw, dict) else None, "error": message}
            )
            continue
        # The id goes back exactly as it came (an integer stays an integer).
        results.append({"id": raw["id"]})
        items.append((len(results) - 1, item))
    batch = [item for _, item in items]
    verdicts = classifier.classify_all(batch) if classifier else classify_parallel(batch)
    reports: list[tuple[int, Report]] = []
    for (index, item), verdict in zip(items, verdicts, strict=True):
        out = verdict.to_json(explain=explain)
        out["id"] = results[index]["id"]
        out["incident_id"] = None
        results[index] = out
        if verdict.incident:
            reports.append(
                (
                    index,
                    Report(
                        item_id=f"{index}:{item.id}",
                        published=item.published or verdict.event_date or now,
                        title=item.title,
                        summary=item.summary,
                        source=item.source,
                        perspective=None,
                        classification=verdict,
                        timeless=item.published is None and verdict.event_date is None,
                    ),
                )
            )
    if reports:
        ids = cluster_batch(r for _, r in reports)
        for (index, _), incident_id in zip(reports, ids, strict=True):
            results[index]["incident_id"] = incident_id
    return results, errors


# Below this many items a worker's start costs more than it saves.
PARALLEL_FROM = 2000


def classify_parallel(
    items: Sequence[ItemText], workers: int | None = None
) -> list[Classification]:
    """`default_classifier().classify_all(items)` spread over the machine's cores.

    Each item is judged alone (pure), so the verdicts are the same, in the same order; only
    the clustering that follows needs one process. Forked workers share the loaded
    classifier with this process rather than loading it again.
    """
    cores = workers or _cores()
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if cores < 2 or len(items) < PARALLEL_FROM or not forkable:
        return default_classifier().classify_all(items)
    size = -(-len(items) // (cores * 4))  # a few chunks per core evens out slow ones
    chunks = [items[lo : lo + size] for lo in range(0, len(items), size)]
    with ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("fork")) as pool:
        return [v for part in pool.map(_classify_chunk, chunks) for v in part]


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):  # the cores this process may run on (Linux)
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _classify_chunk(items: Sequence[ItemText]) -> list[Classification]:
    return default_classifier().classify_all(items)
