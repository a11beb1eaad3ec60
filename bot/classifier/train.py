"""Reproduce the shipped weights from the labelled corpus.

    python -m bot.classifier.train --corpus ../shared/corpus/items.jsonl

The model learns one weight per *signal feature* (see `model.FEATURES`), never per word, so 291
items are enough without memorising them. The regularisation strength is chosen by grouped
5-fold cross-validation (all reports of one incident stay in one fold); the final weights are
fitted on the whole corpus and written to `bot/classifier/data/weights.json`. Deterministic:
the same corpus gives the same file. Needs scikit-learn (a dev dependency); the bot does not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.classifier import Classifier, ItemText
from bot.classifier.model import FEATURES, Model

__all__ = [
    "CorpusItem",
    "feature_matrix",
    "fit",
    "grouped_folds",
    "load_corpus",
    "main",
]

logger = logging.getLogger(__name__)

DEFAULT_CORPUS = Path("../shared/corpus/items.jsonl")
WEIGHTS_PATH = Path(__file__).parent / "data" / "weights.json"
C_GRID = (0.1, 0.3, 1.0, 3.0)
THRESHOLD = 0.5
SEED = 0


@dataclass(frozen=True, slots=True)
class CorpusItem:
    """One labelled corpus line."""

    item: ItemText
    incident: bool
    group: str  # incident_key, or the id for non-incidents
    severity: str | None
    locations: tuple[str, ...]
    notes: str
    gold_lang: str


def load_corpus(path: Path) -> list[CorpusItem]:
    """Read the JSONL corpus; `published` dates become UTC midnights."""
    out: list[CorpusItem] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            d = json.loads(line)
            pub = (
                datetime.fromisoformat(d["published"]).replace(tzinfo=UTC)
                if d.get("published")
                else None
            )
            item = ItemText(
                id=d["id"], title=d["title"], summary=d.get("summary") or "", published=pub,
                url=d.get("url"),
            )  # fmt: skip
            incident = d["label"] == "incident"
            out.append(
                CorpusItem(
                    item=item,
                    incident=incident,
                    group=(d.get("incident_key") or d["id"]) if incident else d["id"],
                    severity=d.get("severity"),
                    locations=tuple(d.get("locations") or ()),
                    notes=d.get("notes") or "",
                    gold_lang=d.get("lang") or "",
                )
            )
    return out


def feature_matrix(clf: Classifier, items: Sequence[CorpusItem]) -> list[list[float]]:
    """Feature vectors (in `FEATURES` order) of the items."""
    rows: list[list[float]] = []
    for ci in items:
        feats = clf.analyse(ci.item).features
        rows.append([feats[f].value if f in feats else 0.0 for f in FEATURES])
    return rows


def grouped_folds(items: Sequence[CorpusItem], k: int = 5) -> list[tuple[list[int], list[int]]]:
    """Stratified grouped k-fold splits: every incident key lies wholly in one fold."""
    from sklearn.model_selection import StratifiedGroupKFold

    y = [int(ci.incident) for ci in items]
    groups = [ci.group for ci in items]
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=SEED)
    return [
        (list(map(int, tr)), list(map(int, te)))
        for tr, te in splitter.split([[0]] * len(items), y, groups)
    ]


def fit(x: Sequence[Sequence[float]], y: Sequence[int], c: float) -> tuple[dict[str, float], float]:
    """Fit the logistic model; returns (weights by feature, intercept)."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=c, solver="lbfgs", max_iter=5000, class_weight="balanced")
    lr.fit(x, y)
    weights = {f: float(w) for f, w in zip(FEATURES, lr.coef_[0], strict=True)}
    return weights, float(lr.intercept_[0])


def _cv_f1(x: list[list[float]], y: list[int], folds: list[tuple[list[int], list[int]]], c: float) -> float:
    tp = fp = fn = 0
    for tr, te in folds:
        weights, b = fit([x[i] for i in tr], [y[i] for i in tr], c)
        for i in te:
            z = b + sum(weights[f] * v for f, v in zip(FEATURES, x[i], strict=True))
            pred = z >= 0.0
            tp += pred and y[i] == 1
            fp += pred and y[i] == 0
            fn += (not pred) and y[i] == 1
    return 2 * tp / max(1, 2 * tp + fp + fn)


def train(corpus: Path) -> Model:
    """Choose C by grouped CV, fit on everything, return the model."""
    clf = Classifier.load()
    items = load_corpus(corpus)
    x = feature_matrix(clf, items)
    y = [int(ci.incident) for ci in items]
    folds = grouped_folds(items)
    scores = {c: _cv_f1(x, y, folds, c) for c in C_GRID}
    best = max(C_GRID, key=lambda c: (round(scores[c], 4), -c))
    logger.info("cv f1 by C: %s; chosen C=%s", scores, best)
    weights, intercept = fit(x, y, best)
    meta: dict[str, Any] = {
        "corpus_sha256": hashlib.sha256(corpus.read_bytes()).hexdigest(),
        "corpus_items": len(items),
        "C": best,
        "cv_f1_by_C": {str(c): round(s, 4) for c, s in scores.items()},
        "class_weight": "balanced",
        "trainer": "python -m bot.classifier.train",
    }
    return Model(weights=weights, intercept=intercept, threshold=THRESHOLD, meta=meta)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    model = train(args.corpus)
    args.out.write_text(json.dumps(model.to_json(), indent=2, sort_keys=False) + "\n", "utf-8")
    logger.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
