"""Data tools behind manage.py: backups, offline scoring and import of responses, demo data, progress."""
