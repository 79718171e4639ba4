"""Imports every model module of the courses plugin so the metadata (and Alembic) sees its tables."""

from courses.models.programs import Lesson, LessonProgress, Module, Programme, module_prerequisite  # noqa: F401
