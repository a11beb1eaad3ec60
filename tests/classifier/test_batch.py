"""`borderwatch classify` in batch: the verdicts spread over worker processes are those of
one process, in the same order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.classifier import ItemText, batch, default_classifier

PUB = datetime(2022, 9, 13, 8, 0, tzinfo=UTC)

_TEXTS = [
    ("Azerbaijani forces shelled positions near Sotk, Armenia's Defence Ministry says", "en"),
    ("Минобороны Азербайджана: армянские подразделения обстреляли позиции в Кельбаджаре", "ru"),
    ("Peace talks resume in Brussels with both foreign ministers", "en"),
    ("Ադրբեջանական ստորաբաժանումները կրակ են բացել Տեղի ուղղությամբ", "hy"),
    ("Qazax rayonunda yeni məktəb açılıb", "az"),
]


def test_workers_give_the_verdicts_of_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Twenty items over two forked workers: every verdict equals the single-process one and
    comes back in the input's order."""
    monkeypatch.setattr(batch, "PARALLEL_FROM", 1)
    items = [
        ItemText(id=f"{n}", title=title, lang=lang, published=PUB)
        for n, (title, lang) in enumerate(_TEXTS * 4)
    ]
    alone = default_classifier().classify_all(items)
    spread = batch.classify_parallel(items, workers=2)
    assert [v.to_json() for v in spread] == [v.to_json() for v in alone]
    assert sum(v.incident for v in spread) >= 8  # the border reports are there, in order
