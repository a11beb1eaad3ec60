"""`borderwatch classify` in batch: the verdicts spread over worker processes are those of
one process, in the same order."""

from __future__ import annotations

import json
import subprocess
import sys

# Run in a fresh interpreter: forking the test process, which may hold other tests' threads,
# is what Python warns against; `borderwatch classify` forks from a single-threaded process.
_SCRIPT = """
import json
from datetime import UTC, datetime
from bot.classifier import ItemText, batch, default_classifier

texts = [
    ("Azerbaijani forces shelled positions near Sotk, Armenia's Defence Ministry says", "en"),
    ("Минобороны Азербайджана: армянские подразделения обстреляли позиции в Кельбаджаре", "ru"),
    ("Peace talks resume in Brussels with both foreign ministers", "en"),
    ("Ադրբեջանական ստորաբաժանումները կրակ են բացել Տեղի ուղղությամբ", "hy"),
    ("Qazax rayonunda yeni məktəb açılıb", "az"),
]
pub = datetime(2022, 9, 13, 8, 0, tzinfo=UTC)
items = [
    ItemText(id=str(n), title=title, lang=lang, published=pub)
    for n, (title, lang) in enumerate(texts * 4)
]
batch.PARALLEL_FROM = 1
alone = [v.to_json() for v in default_classifier().classify_all(items)]
spread = [v.to_json() for v in batch.classify_parallel(items, workers=2)]
print(json.dumps({"same": spread == alone, "incidents": [v["incident"] for v in spread]}))
"""


def test_workers_give_the_verdicts_of_one_process() -> None:
    """Twenty items over two forked workers: every verdict equals the single-process one and
    comes back in the input's order (the border reports where they were put)."""
    run = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True, timeout=120
    )
    out = json.loads(run.stdout)
    assert out["same"] is True
    flags = out["incidents"]
    assert len(flags) == 20
    assert all(flags[n] == flags[n % 5] for n in range(20))  # the order kept
    assert flags[0]  # the shelling report
    assert not flags[2]  # the peace talks
