"""``python -m bot`` is the ``nutgraf`` command."""

import sys

from bot.cli import main

sys.exit(main())
