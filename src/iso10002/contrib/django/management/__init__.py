"""The app's management commands (``manage.py iso10002_overdue``, ``iso10002_report``)."""
