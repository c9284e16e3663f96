"""Workshops, the facilitator's side: create and steer a workshop, the group picture, the shared screen and its files."""
