"""Public pages for one's own results: the result and history."""
