"""`python -m bot` is the `borderwatch` command."""

import sys

from bot.cli import main

if __name__ == "__main__":  # a spawned worker process imports this module too
    sys.exit(main())
