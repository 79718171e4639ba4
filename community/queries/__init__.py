"""Page-level queries of the community plugin, each with the eager loading its page needs."""

from community.queries.associations import (  # noqa: F401
    PAGE_SIZE,
    AssociationRow,
    MentorRow,
    Page,
    Participation,
    YoungSpecialist,
    association_list,
    details_of,
    is_member,
    meeting_with_sheet,
    meetings_of,
    members_of,
    mentor_register,
    mentors_of,
    pair_list,
    participation,
    people_choices,
    teacher_choices,
    young_specialists,
)
from community.queries.library import (  # noqa: F401
    material_list,
    plan_rows,
    plan_with_items,
    plans,
    practice_list,
    practices_of,
    school_status_rows,
    school_statuses,
    subject_choices,
)
from community.queries.records import (  # noqa: F401
    appeal_list,
    contest_list,
    contest_rows,
    contest_with_applications,
    event_list,
    event_with_people,
    records_of,
    visit_list,
)
