"""Admin pages: organisations and teams, survey rounds, accounts."""
