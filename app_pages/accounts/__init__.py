"""Staff sign-in, first set-up and one's own account."""
