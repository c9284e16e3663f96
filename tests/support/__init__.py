"""Test data builders shared by test packages (importable as tests.support.*)."""
