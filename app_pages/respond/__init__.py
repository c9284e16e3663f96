"""Public pages for answering: start, the questionnaire, joining a workshop, keeping one's way back, about."""
