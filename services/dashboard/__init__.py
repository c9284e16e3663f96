"""The implementation manager's dashboard: reading the tallies, the anonymity decisions, the parts, charts and exports."""
