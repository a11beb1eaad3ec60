"""The shared development corpus, as the gazetteer checks see it: where it lives, and which
of its location names the gazetteer is not expected to resolve.

One list used by `tests/classifier/test_gazetteer.py` and `scripts/check_gazetteer.py`.
The corpus is read from `<repo>/../shared/corpus/` (a symlink makes that work from worktrees).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

__all__ = ["CORPUS_DIR", "CORPUS_ITEMS", "KNOWN_UNRESOLVED", "NOT_IN_SCOPE"]

CORPUS_DIR: Final = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
CORPUS_ITEMS: Final = CORPUS_DIR / "items.jsonl"

# Corpus location strings in Armenia/Azerbaijan that the gazetteer does not know yet: names
# from Azerbaijani MoD releases that could not be identified offline.
KNOWN_UNRESOLVED: Final = frozenset({"Kilisali", "Kolagir", "Subatan"})

# Corpus location strings that are not places in Armenia or Azerbaijan: foreign places,
# countries, organisations and directions.
NOT_IN_SCOPE: Final = frozenset(
    {
        "Abu Dhabi", "Ardabil", "Bileh Savar", "Berlin", "Cardiff", "Dushanbe", "Elbasan",
        "Geneva", "Iran", "Israel", "Kazan", "Key West", "Moscow", "Nikozija", "Prague",
        "Russia", "Sochi", "Stockholm", "Turkey", "Tychy", "United Arab Emirates", "Vienna",
        "Washington", "Абу-Даби", "Австрия", "Брюссель", "Верхний Ларс", "Германия", "Грузия",
        "Дейр-эз-Зор", "Душанбе", "ЕАЭС", "Иран", "Италия", "Казань", "Кишинев", "Москва",
        "Мюнхен", "Россия", "Сирия", "Тбилиси", "Турция", "Франция", "Ժնև", "ასტანა",
        "northeastern border", "northeastern direction", "southeastern direction",
        "западный участок границы", "հարավարևելյան ուղղություն",
    }
)  # fmt: skip
