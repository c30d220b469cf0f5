"""`python -m qotd`: the same as the `qotd` command."""

import sys

from qotd.cli import main

sys.exit(main())
