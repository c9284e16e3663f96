"""Developer scripts; the Python ones run as `python -m scripts.<name>` from the repository root."""
