"""Imports every model module of the assessments plugin so the metadata (and Alembic) sees its tables."""

from assessments.models.bank import Item, ItemChange, ItemParameters  # noqa: F401
from assessments.models.catalogue import Activity, ActivityCoverage, activity_prerequisite  # noqa: F401
from assessments.models.diagnostics import (  # noqa: F401
    Answer,
    Attempt,
    CompetencyResult,
    Diagnostic,
    DiagnosticAudience,
    diagnostic_competency,
)
from assessments.models.framework import (  # noqa: F401
    Competency,
    CompetencyLevel,
    CompetencyMapping,
    Domain,
    Framework,
    FrameworkCorrelation,
    FrameworkLevel,
    TargetLevel,
)
from assessments.models.routes import Route, RouteEvent, RouteGoal, RouteStep  # noqa: F401
