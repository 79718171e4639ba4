"""The diagnostic engine: 2PL measurement, a correlated prior and adaptive item choice, with no Flask or database.

The web views and ``bench/cat_simulation.py`` call it the same way: build a :class:`Bank` and
:class:`Settings`, open a :class:`Session`, then alternate :meth:`Session.next_item` and
:meth:`Session.record`; :meth:`Session.result` gives each competency's estimate and deficit decision.
"""

from assessments.engine.cat import Session
from assessments.engine.inputs import Bank, CompetencyResult, Settings
from assessments.engine.irt import GRID

__all__ = ["GRID", "Bank", "CompetencyResult", "Session", "Settings"]
