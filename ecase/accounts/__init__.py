"""Accounts: logging in and out, and (for admins) managing accounts."""
