"""Write `bot/classifier/data/country_names.tsv`: Armenia's and Azerbaijan's names in every
language CLDR has, from the CLDR data Babel ships (no network).

    python scripts/cldr_country_names.py [--check]

The gazetteer adds these names to its two country rows, so a report in a language the lexicon
and the gazetteer's own columns do not cover (Greek, Polish, Hebrew, Portuguese, ...) still
names its parties. Names the gazetteer already spells for the same place, or that another place
spells, are left out. `--check` exits 1 when the file differs from what Babel gives (the test
suite runs it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel import Locale
from babel.localedata import locale_identifiers

from bot.classifier.gazetteer import Gazetteer, fold

OUT = Path(__file__).resolve().parent.parent / "bot" / "classifier" / "data" / "country_names.tsv"
COUNTRIES = {"am": "AM", "az": "AZ"}  # gazetteer id -> CLDR territory code
HEADER = """\
# Armenia's and Azerbaijan's names in the languages of CLDR (Unicode Common Locale Data
# Repository, via the Babel package), for the gazetteer's country rows "am" and "az".
# Written by scripts/cldr_country_names.py; do not edit by hand (the tests compare it with Babel).
# Columns: gazetteer id, language (CLDR), name. Names the gazetteer already has, and names that
# extend one of them (Swahili "Azerbaijani" is the English adjective), are left out.
"""


def rows() -> list[tuple[str, str, str]]:
    """(gazetteer id, language, name) for every CLDR language naming a country anew."""
    gaz = Gazetteer.load(OUT.parent / "gazetteer.tsv")
    taken: dict[str, str] = {}  # folded spelling -> place id
    for place in gaz.places:
        for names in place.names.values():
            for name in names:
                taken.setdefault(" ".join(fold(name).split()), place.id)
    out: list[tuple[str, str, str]] = []
    for ident in sorted(locale_identifiers()):
        if "_" in ident:
            continue  # regional variants repeat their language's names
        locale = Locale.parse(ident)
        for place_id, code in COUNTRIES.items():
            name = locale.territories.get(code)
            if not name or len(name) < 4:
                continue
            key = " ".join(fold(name).split())
            own = [k for k, pid in taken.items() if pid == place_id]
            if key in taken or any(key.startswith(k) for k in own):
                continue  # known, or a known name + an ending: an adjective ("Azerbaijani")
            taken[key] = place_id
            out.append((place_id, ident, name))
    return out


def render() -> str:
    """The file's text."""
    return HEADER + "".join(f"{i}\t{lang}\t{name}\n" for i, lang, name in rows())


def main(argv: list[str] | None = None) -> int:
    """Write the file, or with `--check` compare it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        same = OUT.exists() and OUT.read_text("utf-8") == text
        print("country_names.tsv is " + ("up to date" if same else "stale: run the script"))
        return 0 if same else 1
    OUT.write_text(text, "utf-8")
    print(f"wrote {OUT} ({text.count(chr(10)) - HEADER.count(chr(10))} names)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
