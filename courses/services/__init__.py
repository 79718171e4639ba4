"""Services of the courses plugin; callers import the sub-module they need."""
