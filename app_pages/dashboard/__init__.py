"""The implementation manager's dashboard page and its sections."""
