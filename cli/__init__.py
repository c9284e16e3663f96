"""The admin commands behind manage.py, one module per group; manage.py builds the parser and runs one."""
