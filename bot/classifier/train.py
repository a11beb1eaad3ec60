"""Reproduce the shipped weights from the labelled corpus.

    python -m bot.classifier.train [--corpus ../shared/corpus/items.jsonl
                                    ../shared/corpus/longform.jsonl]

It fits on the short feed items and the long-form articles together (articles with background
paragraphs: anniversaries, earlier wars, an air crash must not look like a new incident).
The model learns one weight per *signal feature* (see `model.REGISTRY`), never per word. Each
weight starts from a hand-set prior (`Feature.prior`, domain knowledge: "blizzard" or "landmine"
next to a dead soldier is strong evidence against an incident even if the corpus has three such
items) and the data moves it: a logistic regression with a Gaussian prior centred on those
weights, i.e. log-loss + lambda/2 * |w - prior|^2, solved by Newton steps (numpy, deterministic).
Lambda is chosen by grouped, stratified 5-fold cross-validation (all reports of one incident stay
in one fold); the final weights are fitted on the whole corpus and written to
`bot/classifier/data/weights.json`. The same corpus gives the same file. Scoring in the bot is
plain Python; this trainer needs numpy and, for the fold split, scikit-learn (dev only).
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
from bot.classifier.features import FEATURES, PRIOR_INTERCEPT, prior_weights
from bot.classifier.model import Model

__all__ = [
    "PRIOR_WEIGHTS",
    "CorpusItem",
    "choose_lambda",
    "feature_matrix",
    "fit",
    "grouped_folds",
    "load_corpora",
    "load_corpus",
    "main",
]

logger = logging.getLogger(__name__)

DEFAULT_CORPORA = (
    Path("../shared/corpus/items.jsonl"),
    Path("../shared/corpus/longform.jsonl"),
)
WEIGHTS_PATH = Path(__file__).parent / "data" / "weights.json"
LAMBDA_GRID = (0.3, 1.0, 3.0, 10.0)
THRESHOLD = 0.5
SEED = 0

# Domain-knowledge starting weights (log-odds), one per feature: kept beside each feature's code
# in `model.REGISTRY`, so a feature cannot be added without its prior.
PRIOR_WEIGHTS: dict[str, float] = prior_weights()


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


def load_corpora(paths: Sequence[Path]) -> list[CorpusItem]:
    """`load_corpus` of each file, concatenated in order."""
    return [ci for path in paths for ci in load_corpus(path)]


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


def fit(
    x: Sequence[Sequence[float]], y: Sequence[int], lam: float
) -> tuple[dict[str, float], float]:
    """Logistic regression with a Gaussian prior at `PRIOR_WEIGHTS`; (weights, intercept)."""
    import numpy as np

    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    n, d = xa.shape
    xb = np.hstack([xa, np.ones((n, 1))])
    mu = np.array([PRIOR_WEIGHTS.get(f, 0.0) for f in FEATURES] + [PRIOR_INTERCEPT])
    reg = np.full(d + 1, lam)
    reg[-1] = 1e-4  # the intercept is (almost) free
    w = mu.copy()
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -60.0, 60.0)))
        grad = xb.T @ (p - ya) + reg * (w - mu)
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.max(np.abs(step))) < 1e-9:
            break
    weights = {f: float(v) for f, v in zip(FEATURES, w[:-1], strict=True)}
    return weights, float(w[-1])


def _cv_f1(
    x: list[list[float]], y: list[int], folds: list[tuple[list[int], list[int]]], lam: float
) -> float:
    tp = fp = fn = 0
    for tr, te in folds:
        weights, b = fit([x[i] for i in tr], [y[i] for i in tr], lam)
        for i in te:
            z = b + sum(weights[f] * v for f, v in zip(FEATURES, x[i], strict=True))
            pred = z >= 0.0
            tp += pred and y[i] == 1
            fp += pred and y[i] == 0
            fn += (not pred) and y[i] == 1
    return 2 * tp / max(1, 2 * tp + fp + fn)


def choose_lambda(
    items: Sequence[CorpusItem], x: list[list[float]]
) -> tuple[float, dict[float, float]]:
    """The grid lambda with the best grouped-CV F1 (ties go to the stronger prior)."""
    y = [int(ci.incident) for ci in items]
    folds = grouped_folds(items)
    scores = {lam: _cv_f1(x, y, folds, lam) for lam in LAMBDA_GRID}
    best = max(LAMBDA_GRID, key=lambda lam: (round(scores[lam], 4), lam))
    return best, scores


def train(corpora: Sequence[Path]) -> Model:
    """Choose lambda by grouped CV, fit on every corpus together, return the model."""
    clf = Classifier.load()
    items = load_corpora(corpora)
    x = feature_matrix(clf, items)
    y = [int(ci.incident) for ci in items]
    best, scores = choose_lambda(items, x)
    logger.info("cv f1 by lambda: %s; chosen lambda=%s", scores, best)
    weights, intercept = fit(x, y, best)
    digest = hashlib.sha256()
    for path in corpora:
        digest.update(path.read_bytes())
    meta: dict[str, Any] = {
        "corpora": [path.name for path in corpora],
        "corpus_sha256": digest.hexdigest(),
        "corpus_items": len(items),
        "lambda": best,
        "cv_f1_by_lambda": {str(k): round(v, 4) for k, v in scores.items()},
        "prior": "model.REGISTRY (Feature.prior)",
        "trainer": "python -m bot.classifier.train",
    }
    return Model(weights=weights, intercept=intercept, threshold=THRESHOLD, meta=meta)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, nargs="+", default=list(DEFAULT_CORPORA))
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    model = train(args.corpus)
    args.out.write_text(json.dumps(model.to_json(), indent=2, sort_keys=False) + "\n", "utf-8")
    logger.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
