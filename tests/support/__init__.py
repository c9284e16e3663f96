"""Set-up shared by several test modules, importable as tests.support.*: plain builders and helpers
(accounts, organisations and rounds, dashboard data, workshops, row counts, the tests' PostgreSQL
databases). Pytest fixtures built on them live in conftest.py files, where their scope is the point:
tests/conftest.py (databases), tests/services/conftest.py (runtimes: make_runtime, runtime; root, anna)."""
