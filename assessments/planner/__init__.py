"""The ИОМ route optimiser: pure Python, NumPy and SciPy, no Flask or database (DOMAIN.md §F.5).

The web layer turns rows into :class:`Deficit`, :class:`Activity` (with :class:`Slot`) and
:class:`Constraints`, calls :func:`build_route` and renders the :class:`Route`: its steps in schedule order,
the deficits left open as :class:`Gap` and the reasons as :class:`Problem` codes it translates.
"""

from assessments.planner.model import (
    Activity,
    Constraints,
    Deficit,
    Gap,
    PlanError,
    Problem,
    Route,
    Slot,
    Step,
)
from assessments.planner.plan import build_route

__all__ = [
    "Activity", "Constraints", "Deficit", "Gap", "PlanError", "Problem", "Route", "Slot", "Step", "build_route",
]
