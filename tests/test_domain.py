"""The domain vocabulary is defined once and everything that names it agrees: the lexicon
groups the code names exist in `lexicon.toml`, each domain word has the lexicon group that
recognises it, and each word the bot renders has its catalog key."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from bot.classifier.features import REGISTRY
from bot.classifier.lexicon import load_lexicon
from bot.clustering.types import CHANGES
from bot.domain import (
    ACTORS,
    CASUALTY_KINDS,
    DELIVERY_KINDS,
    DELIVERY_STATUSES,
    HEAVY_WEAPONS,
    OPEN_STATUSES,
    PERSPECTIVES,
    SEVERITIES,
    SIDES,
    WEAPONS,
    Priority,
    priority_of,
)
from bot.present.i18n import catalog_keys

ROOT = Path(__file__).resolve().parent.parent


def _literals(node: ast.AST | None, constants: dict[str, set[str]]) -> set[str]:
    """The strings a literal, a literal collection or a module-level constant of them holds."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Name):
        return constants.get(node.id, set())
    if isinstance(node, (ast.Set, ast.Tuple, ast.List)):
        return set().union(*(_literals(e, constants) for e in node.elts)) if node.elts else set()
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
        return _literals(node.args[0], constants)  # frozenset({...}), tuple((...))
    if isinstance(node, ast.Starred):
        return _literals(node.value, constants)
    return set()


def _is_group_ref(node: ast.AST) -> bool:
    """`m.group` (a lexicon match's group), or a variable holding a set of group names."""
    if isinstance(node, ast.Attribute):
        return node.attr == "group"
    return isinstance(node, ast.Name) and node.id in {"groups", "group"}


def group_names_in_code(path: Path) -> set[str]:
    """Lexicon group names a module compares matches with or looks up (by its AST)."""
    tree = ast.parse(path.read_text("utf-8"))
    constants: dict[str, set[str]] = {}
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    constants[target.id] = _literals(stmt.value, constants)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_is_group_ref(side) for side in sides):
                for side in sides:
                    if not _is_group_ref(side):
                        names |= _literals(side, constants)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitAnd):
            if _is_group_ref(node.left):
                names |= _literals(node.right, constants)
            elif _is_group_ref(node.right):
                names |= _literals(node.left, constants)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "group"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "inp"
        ):
            for arg in node.args:
                names |= _literals(arg, constants)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == "by_group"
        ):
            names |= _literals(node.slice, constants)
    return names


def test_every_group_named_in_code_exists() -> None:
    """A group the classifier compares with, looks up or uses as a feature is in the lexicon
    (a misspelt or removed group would silently never match)."""
    groups = set(load_lexicon().groups)
    named: dict[str, set[str]] = {
        str(path.relative_to(ROOT)): group_names_in_code(path)
        for path in sorted((ROOT / "bot").rglob("*.py"))
        if "lexicon import" in path.read_text("utf-8")  # the modules that read matches
    }
    named["features.REGISTRY"] = {f.group for f in REGISTRY if f.group}
    assert set().union(*named.values()) >= {"fire", "kill", "enemy", "denial"}  # the scan works
    missing = {where: sorted(n - groups) for where, n in named.items() if n - groups}
    assert missing == {}


def test_the_scan_finds_a_misspelt_group(tmp_path: Path) -> None:
    """The scan sees group names in comparisons, set algebra, constants and look-ups."""
    module = tmp_path / "m.py"
    module.write_text(
        '_V = frozenset({"fire", "kil"})\n'
        "def f(m, groups, by_group, inp):\n"
        '    return m.group in _V or "wond" in groups or groups & {"enemi"} or by_group["deni"]'
        ' or inp.group("fier", "posiiton")\n'
    )
    assert group_names_in_code(module) == {"fire", "kil", "wond", "enemi", "deni", "fier",
                                           "posiiton"}


def test_lexicon_patterns_have_no_stray_spaces() -> None:
    """A pattern with a leading, trailing or doubled space can never match normalised text."""
    data = tomllib.loads((ROOT / "bot" / "classifier" / "data" / "lexicon.toml").read_text("utf-8"))
    bad = [
        (name, lang, pattern)
        for name, table in data["groups"].items()
        for lang, patterns in table.items()
        if isinstance(patterns, list)
        for pattern in patterns
        if pattern != pattern.strip() or "  " in pattern
    ]
    assert len(bad) == 0, bad


def test_domain_words_have_lexicon_groups() -> None:
    """Each weapon, actor, side and casualty kind is recognised by a group tagged with it."""
    groups = load_lexicon().groups.values()
    tags = {layer: {g.tag for g in groups if g.layer == layer} for layer in
            ("weapon", "actor", "side", "person")}
    weapons = tags["weapon"] - {""}
    assert weapons <= set(WEAPONS)
    # Land mines are a signal group of their own ("landmine"), not a weapon-layer tag.
    assert set(WEAPONS) - weapons <= {g.name for g in groups}
    assert set(HEAVY_WEAPONS) <= set(WEAPONS)
    assert set(ACTORS) - {"am_border", "az_border", "media"} <= tags["actor"]
    assert set(SIDES) <= tags["side"]
    assert set(CASUALTY_KINDS) == tags["person"]


def test_rendered_domain_words_have_catalog_keys() -> None:
    """Every value the bot renders (actors, sides, severities, perspectives, casualty kinds,
    follow-up changes) has its key in the catalog (the i18n tests extend that to all
    languages)."""
    keys = catalog_keys("en")
    wanted = {
        *(f"actor_{a}" for a in ACTORS),
        *(f"side_{s}" for s in SIDES),
        *(f"severity_{s}" for s in SEVERITIES),
        *(f"sev_min_{s}" for s in (*SEVERITIES, "all")),
        *(f"perspective_{p}" for p in (*PERSPECTIVES, "unknown")),
        *(f"cas_{k}" for k in CASUALTY_KINDS),
        *(f"cas_{k}_{s}" for k in CASUALTY_KINDS for s in SIDES),
        *(f"change_{c}" for c in CHANGES),
    }
    assert sorted(wanted - keys) == []


def test_delivery_vocabulary_and_priorities() -> None:
    """Kinds and statuses are the strings stored in the outbox; priorities order the sends."""
    assert [str(k) for k in DELIVERY_KINDS] == ["alert", "edit", "reply", "message"]
    assert [str(s) for s in DELIVERY_STATUSES] == [
        "pending", "sending", "sent", "failed", "cancelled",
    ]
    assert set(OPEN_STATUSES) < set(DELIVERY_STATUSES)
    order = [priority_of(s) for s in ("critical", "high", "medium", "low", None)]
    assert order == sorted(order)
    assert priority_of("unheard-of") is Priority.UNGRADED
    assert max(order) < Priority.DIGEST
