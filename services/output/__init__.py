"""Shared building blocks for what leaves the screen: chart styles, PDF pages and chart drawing, safe spreadsheet cells."""
