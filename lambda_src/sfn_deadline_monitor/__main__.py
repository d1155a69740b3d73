"""``python -m sfn_deadline_monitor check|status|doctor ...``: the commands (cli.py)."""

import sys

from .cli import main

sys.exit(main())
