"""``iso10002_overdue`` and ``iso10002_report``; each module is one command."""
