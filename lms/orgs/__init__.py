"""Municipalities, schools and methodological associations."""
