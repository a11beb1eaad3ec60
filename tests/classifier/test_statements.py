"""Who says what: speech verbs from one lexicon group, implicit accusations, speakers named by
place or office, denials and their false friends. Sentences written for these tests."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.classifier import Classification, ItemText, classify
from bot.classifier.lexicon import group_pattern
from bot.classifier.normalize import normalize

PUB = datetime(2025, 6, 5, 9, 0, tzinfo=UTC)
_BOT = Path(__file__).resolve().parents[2] / "bot"

# Stems of speech verbs in the four languages: none may appear in a regex of the code.
_SPEECH_STEMS = ("said", "says", "stated", "заяви", "сообщи", "утвержда", "հայտն", "bildir")


def _run(title: str, summary: str = "") -> Classification:
    return classify(ItemText(id="s", title=title, summary=summary, published=PUB))


def _claims(result: Classification) -> set[tuple[str, str, str | None]]:
    return {(c.actor, c.stance, c.accused) for c in result.claims}


def _regex_literals(tree: ast.AST) -> list[str]:
    """The string constants inside every `re.compile(...)` call of a module."""
    out: list[str] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "compile"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
        ):
            for arg in node.args[:1]:
                out += [
                    c.value
                    for c in ast.walk(arg)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                ]
    return out


def test_speech_verbs_live_only_in_the_lexicon() -> None:
    """No module of the bot spells a speech verb in a regex: they come from the `speech` group."""
    offenders = []
    for path in sorted(_BOT.rglob("*.py")):
        for literal in _regex_literals(ast.parse(path.read_text("utf-8"))):
            low = literal.lower()
            offenders += [f"{path.name}: {stem}" for stem in _SPEECH_STEMS if stem in low]
    assert offenders == []


def test_the_check_above_finds_a_spelled_verb() -> None:
    """The scan sees a speech verb spelled inside a regex (so the test above can fail)."""
    tree = ast.parse('import re\nX = re.compile(r"(?:it|he)\\s+" r"(?:said|noted)")\n')
    assert any("said" in lit for lit in _regex_literals(tree))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("the ministry said", "said"),
        ("баку заявил", "заявил"),
        ("azerbaycan tekzib edib", "tekzib edib"),
        ("նախարարությունը հայտնել է", "հայտնել"),
    ],
)
def test_speech_group_pattern_matches_verbs(text: str, found: str) -> None:
    """The `speech` group's pattern finds the verb forms of the four languages."""
    m = re.search(group_pattern("speech"), normalize(text))
    assert m is not None
    assert m.group() == normalize(found)


@pytest.mark.parametrize(
    "text", ["the unsaid", "заявление министерства", "ամբողջ հայտարարությունը"]
)
def test_speech_group_pattern_skips_nouns_and_inner_words(text: str) -> None:
    """Nouns ("заявление", "statement") and words that only contain a verb are no speech."""
    assert re.search(group_pattern("speech"), normalize(text)) is None
