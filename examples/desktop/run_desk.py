"""Start the Tkinter complaints desk: ``python examples/desktop/run_desk.py [FILE]``.

See ``examples/desktop/README.md``.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    from complaints_desktop.window import main

    sys.exit(main())
