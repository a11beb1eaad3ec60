"""Benchmark the incident classifier on the labelled corpus.

    python benchmarks/classifier.py [--corpus items.jsonl longform.jsonl] [--synthetic 20000]
                                    [--holdout]

The data: the short feed items and the long-form articles (`../shared/corpus/`). The split:
the development set is the items and the first half of the articles (`LA…`); the second half
(`LB…`, 40 articles) is held out, never looked at while tuning features, lexicon or priors, and
scored only with `--holdout` by a model fitted on the development set (minus any development
report of an incident the held-out half tells). `--holdout` also scores `data/unseen.jsonl`
with the shipped weights: 40 short reports written for this check after the features were
designed (en, ru, hy, az and de, fr, tr, uk; the issue's negative kinds), never tuned on, and
`data/unseen_longform.jsonl` (section 1e): 24 long articles in en, ru, hy, az written for
issue 12 by someone who had not read the extractor's rules, also with the shipped weights (never
refitted on them); and `data/unseen2.jsonl` (section 1f): 47 short reports (10 per language
in en, ru, hy, az, half incidents and half hard negatives: barracks fires, trials, rights
reports, prisoner swaps, anniversaries, bereaved parents, crimes by foreign soldiers; 7 in
de, fr, tr, uk, fa, ka), written from real public events before issue 13's second round of
classifier changes, never tuned on. `--unseen-longform` prints only section 1e (seconds,
not minutes).

What it prints (tables):

1. held-out quality: grouped, stratified 5-fold cross-validation on the development set (every
   report of one incident stays in one fold; the regularisation is chosen inside each training
   fold), precision / recall / F1 per language and overall, next to a keyword filter of the kind
   RSS bots offer (a country name AND a violence word, in en/ru/hy/az) and the shipped weights
   in-sample; with `--holdout`, also the held-out half scored by the development model, the gap
   between the two, and the same cross-validation over everything (items + all articles);
2. the held-out errors grouped by kind (from the corpus `notes`);
3. severity accuracy (exact, within one level) on the gold incidents, and its confusion;
4. location recall: corpus `locations` that the gazetteer places in Armenia/Azerbaijan and that
   the classifier's locations contain;
5. language detection accuracy (no hint given);
6. speed: items/second on the corpus, a synthetic run of N items including start-up, and the
   whole `borderwatch classify` command on those N items (JSON Lines in, clustering, JSON out)
   in a subprocess: the figure the 10 s contract for 20,000 items is about.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from bot.classifier import SEVERITIES, Classifier, ItemText, severity_rank
from bot.classifier.gazetteer import default_gazetteer
from bot.classifier.model import Model
from bot.classifier.train import (
    CorpusItem,
    choose_lambda,
    feature_matrix,
    fit,
    grouped_folds,
    load_corpora,
)

REPO = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO / ".." / "shared" / "corpus"
DEFAULT_CORPORA = (CORPUS_DIR / "items.jsonl", CORPUS_DIR / "longform.jsonl")
HELD_OUT_PREFIX = "LB"  # the second half of the long-form articles
UNSEEN = REPO / "benchmarks" / "data" / "unseen.jsonl"  # written fresh, never tuned on
UNSEEN_LONGFORM = REPO / "benchmarks" / "data" / "unseen_longform.jsonl"  # idem, long articles
# written from real public events before the second round of classifier changes, never tuned on
UNSEEN2 = REPO / "benchmarks" / "data" / "unseen2.jsonl"
LANG_ROWS = ("en", "ru", "hy", "az", "other")

# ---------------------------------------------------------------- keyword baseline (RSS style)
_COUNTRIES = (
    "armenia", "azerbaijan", "karabakh", "армени", "армян", "азербайджан", "карабах",
    "հայաստան", "հայկական", "ադրբեջան", "արցախ", "ղարաբաղ", "ermənistan", "erməni",
    "azərbaycan", "qarabağ",
)  # fmt: skip
_VIOLENCE = (
    "attack", "shelling", "shelled", "fire", "killed", "clash", "wounded", "shooting", "shot",
    "skirmish", "fighting", "dead", "обстрел", "огонь", "огня", "погиб", "убит", "ранен",
    "столкновен", "атак", "бой", "боя", "бои", "стрельб", "կրակ", "զոհ", "վիրավոր", "հրաձգ",
    "գնդակոծ", "բախում", "atəş", "həlak", "yaralan", "döyüş", "toqquşma", "hücum", "şəhid",
)  # fmt: skip


def keyword_filter(item: ItemText) -> bool:
    """Country name AND violence word, substring match on the lower-cased text."""
    text = f"{item.title} {item.summary}".lower()
    return any(c in text for c in _COUNTRIES) and any(v in text for v in _VIOLENCE)


# ---------------------------------------------------------------- tables
def table(headers: Sequence[str], rows: Sequence[Sequence[object]], title: str = "") -> str:
    """A plain fixed-width table."""
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    if title:
        lines.append(title)
    lines.append("  ".join(h.ljust(w) for h, w in zip(cells[0], widths, strict=True)))
    lines.append("  ".join("-" * w for w in widths))
    for r in cells[1:]:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    return "\n".join(lines)


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def prf(pairs: Sequence[tuple[bool, bool]]) -> tuple[float, float, float, int, int, int]:
    """(precision, recall, F1, tp, fp, fn) of (predicted, gold) pairs."""
    tp = sum(p and g for p, g in pairs)
    fp = sum(p and not g for p, g in pairs)
    fn = sum(g and not p for p, g in pairs)
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1, tp, fp, fn


def lang_row(ci: CorpusItem) -> str:
    """The language row an item is reported under."""
    return ci.gold_lang if ci.gold_lang in LANG_ROWS else "other"


# ---------------------------------------------------------------- held-out predictions
def heldout_scores(
    clf: Classifier, items: Sequence[CorpusItem], x: list[list[float]]
) -> tuple[list[float], list[Model]]:
    """Nested grouped CV: each item is scored by a model that never saw its incident, with
    lambda chosen by an inner grouped CV on the training folds only."""
    y = [int(ci.incident) for ci in items]
    scores = [0.0] * len(items)
    models: list[Model] = []
    for tr, te in grouped_folds(items):
        lam, _ = choose_lambda([items[i] for i in tr], [x[i] for i in tr])
        w, b = fit([x[i] for i in tr], [y[i] for i in tr], lam)
        model = Model(weights=w, intercept=b, threshold=clf.model.threshold, meta={"lambda": lam})
        models.append(model)
        fold_clf = clf.with_model(model)
        for i in te:
            scores[i] = fold_clf.classify(items[i].item).score
    return scores, models


def error_kind(ci: CorpusItem) -> str:
    """A short kind for an error, from the corpus notes."""
    n = ci.notes.lower()
    kinds = (
        ("denial", "denial"), ("anniversar", "history/anniversary"),
        ("commemorat", "history/anniversary"), ("histor", "history/anniversary"),
        ("retrospect", "retrospective"), ("encyclop", "retrospective"), ("mine", "landmine"),
        ("ordnance", "landmine"), ("talk", "talks/diplomacy"), ("diploma", "talks/diplomacy"),
        ("delimitation", "talks/diplomacy"), ("exchange", "prisoners/humanitarian"),
        ("refugee", "prisoners/humanitarian"), ("humanitarian", "prisoners/humanitarian"),
        ("analys", "analysis/opinion"), ("opinion", "analysis/opinion"),
        ("rhetoric", "rhetoric"), ("statement", "rhetoric"), ("capture", "capture/missing"),
        ("missing", "capture/missing"), ("incursion", "incursion"), ("drill", "drills"),
        ("exercise", "drills"), ("domestic", "domestic"), ("crime", "domestic"),
        ("protest", "domestic"), ("sport", "sports/economy"), ("energy", "sports/economy"),
        ("other", "other conflict"), ("terse", "terse MoD line"), ("death", "deaths"),
        ("killed", "deaths"), ("fire", "fire"), ("shoot", "fire"), ("clash", "fighting"),
        ("fighting", "fighting"), ("offensive", "fighting"),
    )  # fmt: skip
    for key, kind in kinds:
        if key in n:
            return kind
    return "other"


# ---------------------------------------------------------------- synthetic speed run
def synthetic_items(items: Sequence[CorpusItem], n: int, seed: int = 7) -> list[ItemText]:
    """`n` feed-like items: a corpus title with one to three summary sentences of other items
    in the same language (languages in corpus proportions), so every item is new text."""
    rng = random.Random(seed)
    by_lang: dict[str, list[CorpusItem]] = defaultdict(list)
    for ci in items:
        by_lang[ci.gold_lang].append(ci)
    sentences = {
        lang: [s for ci in group for s in re.split(r"(?<=[.;։])\s+", ci.item.summary) if s]
        for lang, group in by_lang.items()
    }
    out = []
    for i in range(n):
        src = items[rng.randrange(len(items))]
        pool = sentences[src.gold_lang]
        k = min(len(pool), rng.randint(1, 3))
        summary = " ".join(rng.sample(pool, k))
        title = rng.choice(by_lang[src.gold_lang]).item.title
        out.append(ItemText(id=f"s{i}", title=title, summary=summary, published=src.item.published))
    return out


def speed(items: Sequence[CorpusItem], n_synth: int) -> list[list[object]]:
    """Rows of the speed table."""
    rows: list[list[object]] = []
    t0 = time.perf_counter()
    clf = Classifier.load()
    clf.classify(ItemText(id="warm", title="Warm-up: load the language models"))
    startup = time.perf_counter() - t0
    rows.append(["start-up (load + first item)", f"{startup * 1000:.0f} ms", ""])
    corpus = [ci.item for ci in items]
    per: list[float] = []
    for _ in range(5):
        for it in corpus:
            s = time.perf_counter()
            clf.classify(it)
            per.append(time.perf_counter() - s)
    rows.append([f"corpus x5 ({len(per)} items)", f"{len(per) / sum(per):,.0f} items/s",
                 f"mean {statistics.mean(per) * 1000:.3f} ms, p99 "
                 f"{sorted(per)[int(len(per) * 0.99)] * 1000:.3f} ms"])  # fmt: skip
    synth = synthetic_items(items, n_synth)
    t0 = time.perf_counter()
    fresh = Classifier.load()
    for it in synth:
        fresh.classify(it)
    wall = time.perf_counter() - t0
    rate = f"{n_synth / wall:,.0f} items/s, {wall / n_synth * 1000:.3f} ms/item"
    rows.append([f"synthetic {n_synth:,} items incl. start-up", f"{wall:.2f} s wall", rate])
    rows.append(cli_speed(synth))
    return rows


def cli_speed(items: Sequence[ItemText]) -> list[object]:
    """A speed row for `borderwatch classify` on `items`, run as its own process."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "items.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for it in items:
                published = it.published.isoformat() if it.published else None
                obj = {"id": it.id, "title": it.title, "summary": it.summary,
                       "published": published}  # fmt: skip
                f.write(json.dumps(obj) + "\n")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "classify", str(path)], check=True,
                       stdout=subprocess.DEVNULL, cwd=REPO)  # fmt: skip
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    cpu = f"{user:.2f} s user, {system:.2f} s sys"
    return [f"borderwatch classify, {len(items):,} items", f"{wall:.2f} s wall", cpu]


# ---------------------------------------------------------------- held-out half
def split_holdout(items: Sequence[CorpusItem]) -> tuple[list[CorpusItem], list[CorpusItem]]:
    """(development, held out): the held-out half and, kept out of development, any report of an
    incident it tells."""
    held = [ci for ci in items if ci.item.id.startswith(HELD_OUT_PREFIX)]
    keys = {ci.group for ci in held if ci.incident}
    dev = [ci for ci in items if ci not in held and ci.group not in keys]
    return dev, held


def lang_table(
    items: Sequence[CorpusItem], pred: Sequence[bool], extra: dict[str, list[bool]] | None = None
) -> list[list[object]]:
    """Rows lang, n, incidents, P, R, F1 (and F1 of each `extra` prediction)."""
    rows: list[list[object]] = []
    for lang in (*LANG_ROWS, "overall"):
        idx = [i for i, ci in enumerate(items) if lang == "overall" or lang_row(ci) == lang]
        if not idx:
            continue
        gold = [items[i].incident for i in idx]
        row: list[object] = [lang, len(idx), sum(gold)]
        row += prf([(pred[i], items[i].incident) for i in idx])[:3]
        for other in (extra or {}).values():
            row += prf([(other[i], items[i].incident) for i in idx])[:3]
        rows.append(row)
    return rows


def holdout_report(
    clf: Classifier,
    dev: Sequence[CorpusItem],
    held: Sequence[CorpusItem],
    dev_f1: float,
    out: Callable[[str], None],
) -> None:
    """Fit on the development set, score the held-out half, print the figures and the gap."""
    x = feature_matrix(clf, dev)
    lam, _ = choose_lambda(dev, x)
    w, b = fit(x, [int(ci.incident) for ci in dev], lam)
    model = Model(weights=w, intercept=b, threshold=clf.model.threshold, meta={"lambda": lam})
    results = [clf.with_model(model).classify(ci.item) for ci in held]
    pred = [r.incident for r in results]
    rows = lang_table(held, pred)
    out(table(["lang", "n", "inc", "P", "R", "F1"], rows,
              f"1b. HELD OUT: {len(held)} long-form articles ({HELD_OUT_PREFIX}…), model fitted "
              f"on the {len(dev)} development reports (lambda {lam})"))  # fmt: skip
    held_f1 = float(str(rows[-1][5]))
    out(
        f"   gap: development CV F1 {dev_f1:.3f} - held-out F1 {held_f1:.3f} = "
        f"{(dev_f1 - held_f1) * 100:+.1f} points (more than 3 means the corpus was learnt)"
    )
    wrong = [f"{'FN' if ci.incident else 'FP'} {ci.item.id}" for ci, p in zip(held, pred,
             strict=True) if p != ci.incident]  # fmt: skip
    critical = [ci.item.id for ci, r in zip(held, results, strict=True)
                if r.severity == "critical" and not ci.incident]  # fmt: skip
    out(
        "   held-out errors: "
        + (" ".join(wrong) or "none")
        + f"; negatives flagged critical: {' '.join(critical) or 'none'}\n"
    )


# ---------------------------------------------------------------- unseen sets
def unseen_report(
    clf: Classifier, path: Path, section: str, what: str, out: Callable[[str], None]
) -> None:
    """Sections 1d and 1e: a set written after the features, scored with the shipped weights
    (never refitted on it): P/R/F1 per language, the errors and the negatives flagged critical."""
    unseen = load_corpora([path])
    verdicts = [clf.classify(ci.item) for ci in unseen]
    out(table(["lang", "n", "inc", "P", "R", "F1"],
              lang_table(unseen, [v.incident for v in verdicts]),
              f"{section}: {len(unseen)} {what} ({path.name}), shipped weights, never refitted "
              "on them"))  # fmt: skip
    wrong = [f"{'FN' if ci.incident else 'FP'} {ci.item.id}"
             for ci, v in zip(unseen, verdicts, strict=True) if v.incident != ci.incident]
    critical = [ci.item.id for ci, v in zip(unseen, verdicts, strict=True)
                if v.severity == "critical" and not ci.incident]  # fmt: skip
    out(f"   errors: {' '.join(wrong) or 'none'}; negatives flagged critical: "
        f"{' '.join(critical) or 'none'}\n")  # fmt: skip


# ---------------------------------------------------------------- main
def run(
    corpora: Sequence[Path],
    n_synth: int,
    show_errors: bool,
    holdout: bool,
    out: Callable[[str], None],
) -> None:
    """Run every benchmark and print the tables."""
    everything = load_corpora(corpora)
    items, held_items = split_holdout(everything)
    clf = Classifier.load()
    x = feature_matrix(clf, items)
    scores, fold_models = heldout_scores(clf, items, x)
    thr = clf.model.threshold
    held = [s >= thr for s in scores]
    shipped = [clf.classify(ci.item) for ci in items]
    kw = [keyword_filter(ci.item) for ci in items]

    rows = lang_table(items, held, {"kw": kw, "shipped": [r.incident for r in shipped]})
    rows = [[*r[:9], r[11]] for r in rows]
    out(table(
        ["lang", "n", "inc", "P held-out", "R held-out", "F1 held-out", "P keyword",
         "R keyword", "F1 keyword", "F1 shipped(in-sample)"],
        rows,
        f"1. Incident detection — grouped 5-fold CV on the development set ({len(items)}: short "
        f"items + long-form articles but the {HELD_OUT_PREFIX} half) vs keyword filter",
    ))  # fmt: skip
    cs = Counter(str(m.meta["lambda"]) for m in fold_models)
    out(f"   (lambda chosen inside the training folds: {dict(cs)}; threshold {thr})\n")
    if holdout:
        holdout_report(clf, items, held_items, float(str(rows[-1][5])), out)
        unseen_report(clf, UNSEEN, "1d. UNSEEN", "fresh short reports", out)
        unseen_report(clf, UNSEEN_LONGFORM, "1e. UNSEEN LONG", "fresh long articles", out)
        unseen_report(clf, UNSEEN2, "1f. UNSEEN 2", "fresh short reports", out)
        x_all = feature_matrix(clf, everything)
        all_scores, _ = heldout_scores(clf, everything, x_all)
        out(table(["lang", "n", "inc", "P", "R", "F1"],
                  lang_table(everything, [s >= thr for s in all_scores]),
                  f"1c. Grouped 5-fold CV on everything ({len(everything)}: items + all "
                  "long-form articles)"))  # fmt: skip
        wrong = [f"{'FN' if ci.incident else 'FP'} {ci.item.id} [{ci.gold_lang}]"
                 for ci, sc in zip(everything, all_scores, strict=True)
                 if (sc >= thr) != ci.incident]  # fmt: skip
        out("   errors: " + (" ".join(wrong) or "none") + "\n")

    errs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for i, ci in enumerate(items):
        if held[i] != ci.incident:
            kind = "FN" if ci.incident else "FP"
            errs[(kind, error_kind(ci))].append(ci.item.id)
    out(table(
        ["error", "kind (from notes)", "count", "items"],
        [[k, kind, len(v), " ".join(v)] for (k, kind), v in sorted(errs.items())],
        "2. Held-out errors by kind",
    ))  # fmt: skip
    if show_errors:
        for i, ci in enumerate(items):
            if held[i] != ci.incident:
                tag = "FN" if ci.incident else "FP"
                out(f"   {tag} {ci.item.id} [{ci.gold_lang}] {scores[i]:.2f} {ci.item.title}"
                    f"  // {ci.notes}")  # fmt: skip
    out("")

    always = clf.with_model(replace(clf.model, threshold=-1.0))
    sev_pairs: list[tuple[str, str, str]] = []
    for ci in items:
        if ci.incident and ci.severity:
            pred = always.classify(ci.item).severity
            sev_pairs.append((ci.severity, pred or "", ci.item.id))
    exact = sum(g == p for g, p, _ in sev_pairs)
    rank: dict[str, int] = {s: severity_rank(s) for s in SEVERITIES}
    within = sum(abs(rank.get(g, 0) - rank.get(p, 0)) <= 1 for g, p, _ in sev_pairs)
    levels = ("low", "medium", "high", "critical")
    conf = Counter((g, p) for g, p, _ in sev_pairs)
    out(table(
        ["gold \\ predicted", *levels],
        [[g, *[conf[(g, p)] for p in levels]] for g in levels],
        f"3. Severity on {len(sev_pairs)} gold incidents: exact {exact / len(sev_pairs):.3f}, "
        f"within one level {within / len(sev_pairs):.3f}",
    ))  # fmt: skip
    out("")

    gaz = default_gazetteer()
    counts: Counter[str] = Counter()
    unresolved: Counter[str] = Counter()
    missed: list[str] = []
    for ci, res in zip(items, shipped, strict=True):
        ids = {loc.id for loc in res.locations}
        text = f"{ci.item.title} {ci.item.summary}".lower()
        for name in ci.locations:
            locs = [loc for loc in gaz.find(name) if loc.country in ("AM", "AZ")]
            if not locs:
                unresolved[name] += 1
                continue
            hit = locs[0].id in ids
            in_text = name.lower() in text
            for scope, cond in (
                ("all", True),
                ("in_text", in_text),
                ("inc", ci.incident),
                ("inc_in_text", ci.incident and in_text),
            ):
                if cond:
                    counts[scope] += 1
                    counts[scope + "_hit"] += hit
            if in_text and not hit:
                missed.append(f"{ci.item.id}:{name}")
    loc_rows = [
        [label, counts[key], counts[key + "_hit"], counts[key + "_hit"] / max(1, counts[key])]
        for label, key in (
            ("all items, all gold names", "all"),
            ("all items, names written in the text", "in_text"),
            ("incident items, all gold names", "inc"),
            ("incident items, names written in the text", "inc_in_text"),
        )
    ]
    out(table(
        ["scope", "gold places in AM/AZ", "found", "recall"],
        loc_rows,
        "4. Location recall (gold names the gazetteer puts in AM/AZ; the corpus also lists "
        "places the text does not name)",
    ))  # fmt: skip
    out("   missed although written in the text: " + (" ".join(missed[:30]) or "none"))
    out(f"   gold names the gazetteer does not place in AM/AZ ({sum(unresolved.values())}), "
        "e.g.: " + ", ".join(k for k, _ in unresolved.most_common(15)) + "\n")  # fmt: skip

    lang_ok: Counter[str] = Counter()
    lang_n: Counter[str] = Counter()
    wrong = []
    for ci, res in zip(items, shipped, strict=True):
        row = lang_row(ci)
        lang_n[row] += 1
        if res.lang == ci.gold_lang:
            lang_ok[row] += 1
        else:
            wrong.append(f"{ci.item.id}:{ci.gold_lang}->{res.lang}")
    out(table(
        ["lang", "n", "correct", "accuracy"],
        [[r, lang_n[r], lang_ok[r], lang_ok[r] / max(1, lang_n[r])] for r in LANG_ROWS],
        "5. Language detection (no hint)",
    ))  # fmt: skip
    out("   wrong: " + (" ".join(wrong) or "none") + "\n")

    feed_like = [ci for ci in items if len(ci.item.summary) < 1500]  # not the long articles
    out(table(["run", "throughput", "detail"], speed(feed_like, n_synth), "6. Speed"))


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, nargs="+", default=list(DEFAULT_CORPORA))
    parser.add_argument("--synthetic", type=int, default=20000)
    parser.add_argument("--errors", action="store_true", help="list every held-out error")
    parser.add_argument(
        "--holdout", action="store_true", help="also score the held-out half (not while tuning)"
    )
    parser.add_argument(
        "--unseen-longform", action="store_true",
        help="print only section 1e (the unseen long articles, shipped weights)",
    )
    args = parser.parse_args(argv)
    if args.unseen_longform:
        unseen_report(
            Classifier.load(), UNSEEN_LONGFORM, "1e. UNSEEN LONG", "fresh long articles", print
        )
        return 0
    run(args.corpus, args.synthetic, args.errors, args.holdout, print)
    return 0


if __name__ == "__main__":
    sys.exit(main())
