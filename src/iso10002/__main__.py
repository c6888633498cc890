"""``python -m iso10002``: the command line."""

import sys

from iso10002.cli import main

sys.exit(main())
