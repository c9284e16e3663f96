"""Staff accounts: signing in, who may do what, passwords, setup tokens, single sign-on and account administration."""
