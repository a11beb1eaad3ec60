"""The exception tree: the drawing in `bot.exceptions` is the class hierarchy, every class in
it is raised or caught somewhere, and no error class lives outside it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import bot.exceptions as exceptions
from bot.exceptions import BorderWatchError

ROOT = Path(__file__).resolve().parent.parent
_NODE = re.compile(r"^(?P<indent>[\s│]*)(?:[├└]── )?(?P<name>[A-Z]\w+)(?:\s|$)")


def _drawn_parents() -> dict[str, str | None]:
    """Each class named in the docstring's tree, with the class drawn above it."""
    parents: dict[str, str | None] = {}
    stack: list[tuple[int, str]] = []
    for line in (exceptions.__doc__ or "").splitlines():
        match = _NODE.match(line)
        if match is None or match.group("name") not in exceptions.__all__:
            continue
        depth = match.start("name")
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parents[match.group("name")] = stack[-1][1] if stack else None
        stack.append((depth, match.group("name")))
    return parents


def _sources() -> list[Path]:
    return [*(ROOT / "bot").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]


def test_the_drawing_is_the_hierarchy() -> None:
    """Every exported class is drawn once, under the class it derives from."""
    drawn = _drawn_parents()
    assert set(drawn) == set(exceptions.__all__)
    for name, parent in drawn.items():
        cls = getattr(exceptions, name)
        assert issubclass(cls, BorderWatchError), name
        bases = [b.__name__ for b in cls.__bases__ if issubclass(b, BorderWatchError)]
        assert bases == ([parent] if parent else []), (name, bases, parent)


def test_every_class_is_used() -> None:
    """Each class is raised or caught in the code, or is the base of one that is."""
    used: set[str] = set()
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            target = None
            if isinstance(node, ast.Raise) and node.exc is not None:
                target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            elif isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
                used.update(n.id for n in names if isinstance(n, ast.Name))
            if isinstance(target, ast.Name):
                used.add(target.id)
    classes = [getattr(exceptions, name) for name in exceptions.__all__]
    for cls in classes:
        family = {c.__name__ for c in classes if issubclass(c, cls)}
        assert family & used, f"{cls.__name__} is never raised or caught"


def test_no_error_class_outside_the_tree() -> None:
    """Errors the bot defines are classes of `bot.exceptions`, not ValueErrors beside it."""
    outside = []
    for path in _sources():
        if path.name == "exceptions.py" and path.parent.name == "bot":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name) and (b.id.endswith(("Error", "Exception")))
                for b in node.bases
            ):
                outside.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert outside == []


def test_usage_errors_carry_their_catalog_key() -> None:
    """A refused URL and a bad argument both name the text the user gets, with its values."""
    refused = exceptions.UrlRefused("source_private")
    assert isinstance(refused, exceptions.UsageError)
    assert (refused.key, refused.values) == ("source_private", {})
    bad = exceptions.ArgError("filter_too_many", n=10)
    assert isinstance(bad, ValueError)
    assert (bad.key, bad.values) == ("filter_too_many", {"n": 10})
