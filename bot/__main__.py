"""`python -m bot` is the `borderwatch` command."""

import sys

from bot.cli import main

sys.exit(main())
