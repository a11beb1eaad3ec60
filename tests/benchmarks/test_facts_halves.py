"""`benchmarks/facts.py` scores the unseen long articles as one held-out set of their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import facts

UNSEEN = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "unseen_longform.jsonl"


def test_articles_are_split_by_id() -> None:
    """LA and LB keep their halves; any other id belongs to the unseen set."""
    assert facts.half_of("LA07") == "LA"
    assert facts.half_of("LB40") == "LB"
    assert facts.half_of("U01") == facts.UNSEEN
    assert facts.half_of("X9") == facts.UNSEEN


def test_unseen_corpus_prints_one_held_out_row(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Run on the unseen file, the benchmark prints a single 'unseen (held out)' row over all 24
    articles and its summary line, and no LA/LB rows."""
    facts.main(["--corpus", str(UNSEEN), "--items", str(tmp_path / "absent.jsonl")])
    lines = capsys.readouterr().out.splitlines()
    rows = [line for line in lines if line.startswith("unseen (held out)")]
    assert len(rows) == 1
    assert rows[0].split()[3] == "24"  # the articles column
    assert any(line.startswith("held-out unseen: fabricated=") for line in lines)
    assert not any(line.startswith(("LA (tuned)", "LB (held out)")) for line in lines)
