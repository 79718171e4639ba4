"""Imports every model module of the assessments plugin (none yet: the framework comes with its issue)."""
