"""Administration: the database, organisations and teams, survey rounds, question banks and data protection."""
