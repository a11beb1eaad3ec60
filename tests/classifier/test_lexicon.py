"""The lexicon matcher and the normaliser it relies on."""

from __future__ import annotations

from bot.classifier.lexicon import load_lexicon
from bot.classifier.normalize import normalize

_TOML = """
[groups.fire]
en = ["open* fire", "shell*", "fire"]
[groups.calm]
en = ["no one was hurt", "opened _ fire at"]
[groups.hurt]
en = ["hurt"]
[groups.tank]
layer = "weapon"
tag = "tank"
en = ["tank*"]
[groups.not_tank]
layer = "weapon"
en = ["anti tank mine*"]
"""


def _found(text: str) -> list[tuple[str, str]]:
    lex = load_lexicon(_TOML)
    return [(m.group, text[m.start : m.end]) for m in lex.find(normalize(text))]


def test_normalize_keeps_offsets() -> None:
    """Normalisation is one character for one: offsets quote the original text."""
    for text in ("Kəlbəcər, İstisu!", "Ереван — «ёлка»", "ՀՀ ՊՆ-ն՝ այսօր", "Nerkin-Hand's post"):
        assert len(normalize(text)) == len(text)
    assert normalize("Kəlbəcər İstisu") == "kelbecer istisu"
    assert normalize("Armenia's cease-fire") == "armenia s cease fire"


def test_whole_word_and_prefix() -> None:
    """Plain words match whole; a trailing * lets the word continue."""
    assert ("fire", "shelling") in _found("Heavy shelling began")
    assert _found("ceasefire fires") == []


def test_multiword_prefix_and_gap() -> None:
    """Multi-word patterns allow inflection (*) and a gap of up to two words (_)."""
    found = _found("Troops opened heavy fire at the post")
    assert ("calm", "opened heavy fire at") in found


def test_longest_match_wins_within_a_layer() -> None:
    """'no one was hurt' hides 'hurt'; 'anti-tank mine' hides 'tank' in the weapon layer."""
    found = _found("No one was hurt. An anti-tank mine exploded.")
    assert ("calm", "No one was hurt") in found
    assert ("hurt", "hurt") not in found
    assert ("tank", "tank") not in found


def test_shipped_lexicon_loads() -> None:
    """The shipped lexicon compiles and has the layers the extractor needs."""
    lex = load_lexicon()
    layers = {g.layer for g in lex.groups.values()}
    assert {"signal", "weapon", "actor", "side", "person", "when", "detail"} <= layers
