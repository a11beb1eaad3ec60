"""`benchmarks/classifier.py` reports the incident flag on the unseen long articles."""

from __future__ import annotations

import pytest

from benchmarks import classifier


def test_unseen_longform_section_has_a_row_per_language() -> None:
    """Section 1e scores the 24 articles with the shipped weights: one row for each of en, ru,
    hy, az (six articles, four incidents each), the overall row, then the errors line."""
    lines: list[str] = []
    classifier.unseen_report(
        classifier.Classifier.load(), classifier.UNSEEN_LONGFORM, "1e. UNSEEN LONG",
        "fresh long articles", lines.append,
    )  # fmt: skip
    text = "\n".join(lines).splitlines()
    assert text[0].startswith("1e. UNSEEN LONG: 24 fresh long articles (unseen_longform.jsonl)")
    rows = {line.split()[0]: line.split()[1:3] for line in text[3:8]}
    assert rows == {
        "en": ["6", "4"], "ru": ["6", "4"], "hy": ["6", "4"], "az": ["6", "4"],
        "overall": ["24", "16"],
    }  # fmt: skip
    assert text[-1].startswith("   errors: ")


def test_main_prints_only_the_unseen_section(capsys: pytest.CaptureFixture[str]) -> None:
    """`classifier.py --unseen-longform` prints section 1e alone and returns 0."""
    assert classifier.main(["--unseen-longform"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1e. UNSEEN LONG")
    assert "1. Incident detection" not in out
