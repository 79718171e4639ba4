"""Authentication: sign-in, sign-out, passwords."""
