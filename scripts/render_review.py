"""Write docs/review/rendered.md: every sample alert and menu screen in all four languages.

Run from the repository root: `.venv/bin/python scripts/render_review.py` rewrites the file;
with `--check` it changes nothing and exits 1 when the file is out of date (CI runs that).
The samples and screens are defined in `testkit/review.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from testkit.review import render_review

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "review" / "rendered.md"


def main(argv: list[str]) -> int:
    """Write (or with --check, compare) the review file; 1 when --check finds a difference."""
    text = render_review()
    if "--check" in argv:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            sys.stderr.write(
                f"{OUTPUT} is out of date: run .venv/bin/python scripts/render_review.py "
                "and commit the result\n"
            )
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
