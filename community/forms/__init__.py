"""Forms of the community plugin, one module per group of registries."""

from community.forms.associations import (  # noqa: F401
    TEXT,
    AssociationFilterForm,
    AssociationForm,
    MeetingForm,
    MemberForm,
    PairFilterForm,
    PairForm,
    PairMeetingForm,
    PairMeetingRecordForm,
)
from community.forms.library import (  # noqa: F401
    ApprovalForm,
    LibraryFilterForm,
    MaterialForm,
    PeriodFilterForm,
    PlanForm,
    PlanItemForm,
    PracticeFilterForm,
    PracticeForm,
    ReviewForm,
    SchoolStatusForm,
)
from community.forms.records import (  # noqa: F401
    AnswerForm,
    AppealFilterForm,
    AppealForm,
    AppealRegisterForm,
    ApplicationForm,
    ContestForm,
    DecisionForm,
    EventAttendanceForm,
    EventFilterForm,
    EventForm,
    ImportForm,
    NominationForm,
    SpeakerForm,
    VisitFilterForm,
    VisitForm,
    visit_form,
)
