"""Replay the corpus as live feeds through the real pipeline and count the alerts it sends.

Every corpus item is served, in publication order, by a loopback feed server (one feed per
outlet domain); the bot's `Poller` polls them with its clock set to each item's time, and one
subscribed chat collects the queued alerts, edits and replies. Reports of one real event
(`incident_key`) should give one alert. Prints alerts per real incident (goal <= 1.02),
real incidents alerted and missed, false alerts, and follow-up edits per incident.

    python benchmarks/replay.py [--corpus PATH] [--dated-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from _common import ROOT, open_store, subscribe_many
from sqlalchemy import select, update

from bot.classifier import ItemText, default_classifier
from bot.clustering import Clusterer
from bot.db.tables import Delivery, Incident, Item, SourceRow
from bot.ingest.fetch import build_http_client
from bot.ingest.poller import Poller
from bot.ingest.sources import Source
from bot.settings import load_settings
from testkit.feed_server import FeedServer

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "items.jsonl"
UNDATED_START = datetime(2090, 1, 1, tzinfo=UTC)


def rss(items: list[dict[str, Any]]) -> bytes:
    """An RSS document of corpus items (newest first, as feeds are)."""
    body = "".join(
        f"<item><title>{escape(i['title'])}</title><description>{escape(i['summary'])}"
        f"</description><link>{escape(i['url'])}</link><guid>{escape(i['url'])}</guid>"
        + (f"<pubDate>{format_datetime(i['_when'])}</pubDate>" if i["published"] else "")
        + "</item>"
        for i in reversed(items[-30:])
    )
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>c'
            f"</title>{body}</channel></rss>").encode()


async def replay(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Serve and poll `items` in order; return what was queued for the one subscriber."""
    clock = [items[0]["_when"]]
    by_domain: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with FeedServer() as feeds, tempfile.TemporaryDirectory() as tmp:
        domains = sorted({urlsplit(i["url"]).netloc for i in items})
        path = {d: f"/{n}.xml" for n, d in enumerate(domains)}
        for d in domains:
            feeds.serve(path[d], rss([]), etag=True)
        store = await open_store(f"sqlite+aiosqlite:///{Path(tmp) / 'replay.db'}")
        await subscribe_many(store, [1])
        await store.sync_sources([Source(d, feeds.url(path[d]), interval_seconds=300)
                                  for d in domains])
        settings = load_settings(alert_max_age_hours=24, http_timeout_seconds=5)
        async with build_http_client(timeout=5, max_connections=20,
                                     user_agent="Mozilla/5.0 (replay)",
                                     allow_private=True) as client:
            poller = Poller(settings, store, client, default_classifier(), Clusterer(),
                            clock=lambda: clock[0])
            for item in items:
                domain = urlsplit(item["url"]).netloc
                by_domain[domain].append(item)
                feeds.serve(path[domain], rss(by_domain[domain]), etag=True)
                clock[0] = item["_when"] + timedelta(minutes=20)
                async with store.sessions.begin() as session:
                    await session.execute(update(SourceRow).where(SourceRow.name == domain)
                                          .values(next_poll_at=None))
                await poller.poll_due()
        async with store.sessions() as session:
            deliveries = (await session.execute(
                select(Delivery.incident_id, Delivery.kind))).all()
            followups = (await session.execute(
                select(Incident.id, Incident.followups))).all()
            members = (await session.execute(select(Item.url, Item.incident_id))).all()
        await store.close()
    return {"deliveries": deliveries, "members": members, "followups": dict(followups)}


def main() -> None:
    """Load the corpus, replay it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--dated-only", action="store_true")
    args = parser.parse_args()
    corpus = [json.loads(line) for line in args.corpus.read_text(encoding="utf-8").splitlines()
              if line.strip()]
    undated = by_event_date = 0
    classifier = default_classifier()
    for item in corpus:
        if item["published"]:
            item["_when"] = datetime.fromisoformat(item["published"]).replace(
                hour=9, tzinfo=UTC)
            continue
        undated += 1
        # An undated report is first seen when it is polled: right after the event when its
        # text dates the event, else (unknowable) far from every other item, where it can
        # only open an incident of its own.
        event = classifier.classify(
            ItemText(id=item["id"], title=item["title"], summary=item["summary"])
        ).event_date
        if event is not None:
            item["_when"] = event.replace(hour=9)
            by_event_date += 1
        else:
            item["_when"] = UNDATED_START + timedelta(days=30 * undated)
    if args.dated_only:
        corpus = [i for i in corpus if i["published"]]
    corpus.sort(key=lambda i: (i["_when"], i["id"]))
    result = asyncio.run(replay(corpus))
    key_of = {i["url"]: i["incident_key"] for i in corpus}
    keys_of_incident: dict[str, Counter[str | None]] = defaultdict(Counter)
    for url, incident_id in result["members"]:
        if incident_id:
            keys_of_incident[incident_id][key_of.get(url)] += 1
    kinds = Counter((inc, kind) for inc, kind in result["deliveries"])
    alerted = [inc for (inc, kind) in kinds if kind == "alert"]
    real_keys = {i["incident_key"] for i in corpus if i["label"] == "incident"}
    true_alerts = [inc for inc in alerted if any(k for k in keys_of_incident[inc])]
    false_alerts = [inc for inc in alerted if not any(k for k in keys_of_incident[inc])]
    keys_alerted = {k for inc in true_alerts for k in keys_of_incident[inc] if k}
    # Follow-ups decided per alerted incident (edits of the alert; with no sender running
    # here they refresh the pending alert's text instead of going out as edits).
    edits = [result["followups"].get(inc, 0) for inc in alerted]
    print(f"items replayed             {len(corpus)} ({undated if not args.dated_only else 0}"
          f" undated: {by_event_date} seen at the event date their text gives, the rest alone)")
    print(f"real incidents (keys)      {len(real_keys)}")
    print(f"alerts sent                {len(alerted)} (true {len(true_alerts)}, "
          f"false {len(false_alerts)})")
    print(f"real incidents alerted     {len(keys_alerted)}; missed {len(real_keys - keys_alerted)}")
    print(f"alerts per real incident   {len(true_alerts) / max(1, len(keys_alerted)):.3f}"
          "   (goal <= 1.02)")
    print(f"edits per incident         max {max(edits, default=0)}, mean "
          f"{sum(edits) / max(1, len(edits)):.2f}")
    missed = sorted(real_keys - keys_alerted)
    if missed:
        print("missed keys:", ", ".join(missed))
    per_key = Counter(max(keys_of_incident[inc], key=lambda k: keys_of_incident[inc][k] if k
                          else -1) for inc in true_alerts)
    split = {k: n for k, n in per_key.items() if n > 1}
    if split:
        print("keys alerted more than once:", ", ".join(f"{k} x{n}" for k, n in split.items()))
    if false_alerts:
        urls = [u for u, inc in result["members"] if inc in false_alerts]
        print("false alerts from:", ", ".join(urls))


if __name__ == "__main__":
    main()
