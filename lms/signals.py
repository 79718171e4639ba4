"""Every signal of the suite, declared once; plugins send and receive them, never import each other.

Receivers get the sender (the app, unless said otherwise) and keyword arguments. Services send
signals after their changes are flushed, so a receiver works in the same transaction; the view
that called the service commits once for both.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

user_created = _signals.signal("user-created")
"""A user account was created. Sent by ``lms.users.services``; kwargs: ``user``, ``actor`` (None
for the CLI or an import)."""

user_deactivated = _signals.signal("user-deactivated")
"""A user was deactivated and can no longer sign in. kwargs: ``user``, ``actor``.
Plugins withdraw the user from future sessions and bookings."""

teachers_imported = _signals.signal("teachers-imported")
"""A teacher import committed. kwargs: ``created`` and ``updated`` (lists of users), ``actor``."""

user_logged_in = _signals.signal("lms-user-logged-in")
"""A user signed in with e-mail and password. kwargs: ``user``."""

lesson_studied = _signals.signal("lesson-studied")
"""A teacher marked a lesson studied, the first time. Sent by ``courses``; kwargs: ``user``, ``lesson``. The LTI
passback gives a launched lesson its full score."""

module_completed = _signals.signal("module-completed")
"""A teacher completed a programme module. Sent by ``courses``; kwargs: ``user``, ``module``,
``completed_at``. ``assessments`` closes the matching individual-route steps."""

programme_completed = _signals.signal("programme-completed")
"""A teacher completed a whole programme and a certificate was issued. Sent by ``courses``;
kwargs: ``user``, ``programme``, ``certificate``."""

session_attended = _signals.signal("session-attended")
"""A teacher's attendance at a scheduled session was recorded as present or late. Sent by
``courses``; kwargs: ``user``, ``session``, ``status``."""

consultation_held = _signals.signal("consultation-held")
"""A tutor recorded the outcome of a held consultation. Sent by ``courses``; kwargs: ``booking``."""

work_reviewed = _signals.signal("work-reviewed")
"""A tutor reviewed a teacher's practical work (``courses.models.Work``, from any task's source). Sent by
``courses``; kwargs: ``work`` (its ``source`` and ``ref`` say whose task it is, ``total`` / ``max_points`` the
score), ``decision`` (``accepted``, ``returned`` or ``corrected``: new scores for an accepted work). The plugin
that set the task acts on it (a diagnostic measures the score)."""

diagnostic_completed = _signals.signal("diagnostic-completed")
"""A teacher finished a deficit diagnostic. Sent by ``assessments``; kwargs: ``attempt``,
``deficits`` (competency ids judged below the teacher's target level)."""

lti_launched = _signals.signal("lti-launched")
"""An external platform launched our content over LTI 1.3 and the user was provisioned. Sent by
``lms.lti``; kwargs: ``user``, ``launch`` (the validated launch data), ``resource``."""

lti_score_received = _signals.signal("lti-score-received")
"""An external tool sent a score for a teacher's launch of an external module. Sent by
``lms.lti``; kwargs: ``user``, ``resource``, ``score`` (0..1), ``completed`` (bool)."""
