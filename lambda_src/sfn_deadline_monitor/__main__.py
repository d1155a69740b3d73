"""``python -m sfn_deadline_monitor check ...``: the deadline check from a shell."""

import sys

from .cli import main

sys.exit(main())
