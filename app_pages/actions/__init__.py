"""The action plan page, its parts, and the workshop screen's button that adds an agreed action to a plan."""
