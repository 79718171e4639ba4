"""Imports every model module of the courses plugin (none yet: the catalogue comes with its issue)."""
