"""Answering: the questionnaire and its drafts, team invitation links, joining a workshop, resume codes and the device pass, and which responses count."""
