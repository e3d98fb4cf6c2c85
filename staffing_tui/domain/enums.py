"""Every enumeration of docs/data.md and docs/policy.md, defined once.

The importer validates against these, the engine decides with them, the CLI
prints them and the UI labels them (`present.labels` has their words). A
value's string is the database and CSV spelling.
"""

from __future__ import annotations

from enum import StrEnum


class StaffRole(StrEnum):
    SPECIALIST = "specialist"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"


class CaseType(StrEnum):
    INVESTIGATION = "investigation"
    DEPENDENCY = "dependency"
    VOLUNTARY = "voluntary"


class Role(StrEnum):
    CHILD = "child"
    PARENT = "parent"
    ALLEGED_PARENT = "alleged_parent"
    SPOUSE_PARTNER = "spouse_partner"
    OTHER_ADULT = "other_adult"

    @property
    def is_child(self) -> bool:
        return self is Role.CHILD

    @property
    def is_parent(self) -> bool:
        """*parent* = `parent` or `alleged_parent` (docs/policy.md "Roles")."""
        return self in (Role.PARENT, Role.ALLEGED_PARENT)

    @property
    def is_adult(self) -> bool:
        """*adult* = every role but `child`, parents included."""
        return self is not Role.CHILD


class Goal(StrEnum):
    REUNIFICATION = "reunification"
    REMAIN_WITH_FAMILY = "remain_with_family"
    ADOPTION = "adoption"
    GUARDIANSHIP = "guardianship"
    APPLA = "appla"
    OTHER = "other"

    @property
    def is_reunification_class(self) -> bool:
        return self in (Goal.REUNIFICATION, Goal.REMAIN_WITH_FAMILY)


class MemberFact(StrEnum):
    """A member's fact that can change over time (member_periods.csv, docs/data.md "Files and columns")."""

    RESIDES_IN_HOME = "resides_in_home"
    WHEREABOUTS_UNKNOWN = "whereabouts_unknown"
    INCARCERATED = "incarcerated"


class LocationType(StrEnum):
    IN_HOME = "in_home"
    FOSTER_HOME = "foster_home"
    KINSHIP = "kinship"
    GROUP_HOME = "group_home"
    SHELTER = "shelter"
    RESIDENTIAL = "residential"
    HOSPITAL = "hospital"
    DETENTION = "detention"
    INDEPENDENT_LIVING = "independent_living"
    TRIAL_HOME_VISIT = "trial_home_visit"
    OUT_OF_STATE = "out_of_state"
    RUNAWAY = "runaway"
    OTHER = "other"

    @property
    def is_out_of_home(self) -> bool:
        """Every type but `in_home` counts as out-of-home care (docs/policy.md "Children in out-of-home care")."""
        return self is not LocationType.IN_HOME


class Method(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"
    WRITTEN = "written"
    NONE = "none"


#: Methods that make a note a contact with the people it lists.
CONTACT_METHODS = frozenset({Method.IN_PERSON, Method.PHONE, Method.VIDEO, Method.WRITTEN})
#: Remote contact for the incarcerated rule and the exception quarterly minimum.
REMOTE_METHODS = frozenset({Method.PHONE, Method.VIDEO, Method.WRITTEN})
#: A remote *interview* (investigation adults): a conversation, so not written.
INTERVIEW_REMOTE_METHODS = frozenset({Method.PHONE, Method.VIDEO})
#: Methods a contact plan may name.
PLAN_METHODS = (Method.IN_PERSON, Method.PHONE, Method.VIDEO, Method.WRITTEN)


class Location(StrEnum):
    HOME = "home"
    PLACEMENT = "placement"
    OFFICE = "office"
    SCHOOL = "school"
    COURT = "court"
    COMMUNITY = "community"
    OTHER = "other"


class Requirement(StrEnum):
    MONTHLY_FACE_TO_FACE = "monthly_face_to_face"
    MONTHLY_FACE_TO_FACE_IN_HOME = "monthly_face_to_face_in_home"
    CONTACT_PLAN = "contact_plan"
    INVESTIGATION_INTERVIEW = "investigation_interview"
    HOME_VISIT = "home_visit"
    NONE = "none"

    @property
    def is_monthly(self) -> bool:
        return self in (
            Requirement.MONTHLY_FACE_TO_FACE,
            Requirement.MONTHLY_FACE_TO_FACE_IN_HOME,
            Requirement.CONTACT_PLAN,
        )


class Status(StrEnum):
    MET = "met"
    EXCUSED = "excused"
    EXPLAINED = "explained"
    UNMET = "unmet"
    DUE = "due"
    NOT_REQUIRED = "not_required"

    @property
    def is_unseen_without_reason(self) -> bool:
        return self in (Status.UNMET, Status.DUE)


class Reason(StrEnum):
    # met
    SEEN_IN_PERSON = "seen_in_person"
    SEEN_IN_HOME = "seen_in_home"
    OUT_OF_STATE_PHONE = "out_of_state_phone"
    CONTACT_PLAN_FOLLOWED = "contact_plan_followed"
    INTERVIEWED = "interviewed"
    HOME_VISITED = "home_visited"
    # explained
    REMOTE_INTERVIEW = "remote_interview"
    RUNAWAY_LOCATE_EFFORTS = "runaway_locate_efforts"
    WHEREABOUTS_UNKNOWN_LOCATE_EFFORTS = "whereabouts_unknown_locate_efforts"
    INCARCERATED_REMOTE_CONTACT = "incarcerated_remote_contact"
    STAFFING_REASON = "staffing_reason"
    # excused
    EXCEPTION_APPROVED = "exception_approved"
    # unmet / due
    EXCEPTION_WITHOUT_QUARTERLY_CONTACT = "exception_without_quarterly_contact"
    RUNAWAY_NO_LOCATE_EFFORTS = "runaway_no_locate_efforts"
    WHEREABOUTS_UNKNOWN_NO_LOCATE_EFFORTS = "whereabouts_unknown_no_locate_efforts"
    NOT_SEEN = "not_seen"
    SEEN_NOT_IN_HOME = "seen_not_in_home"
    NO_CONTACT_PLAN = "no_contact_plan"
    CONTACT_PLAN_NOT_FOLLOWED = "contact_plan_not_followed"
    NOT_INTERVIEWED = "not_interviewed"
    NO_HOME_VISIT = "no_home_visit"
    # not_required
    PARTIAL_MONTH = "partial_month"
    RIGHTS_TERMINATED = "rights_terminated"
    WHEREABOUTS_UNKNOWN = "whereabouts_unknown"
    NOT_IN_HOUSEHOLD = "not_in_household"
    NO_REQUIREMENT = "no_requirement"


class Flag(StrEnum):
    IN_PERSON_WHILE_RUNAWAY = "in_person_while_runaway"
    IN_PERSON_WHILE_WHEREABOUTS_UNKNOWN = "in_person_while_whereabouts_unknown"
    DUPLICATE_NOTE = "duplicate_note"
    #: explained or excused by a record created after the month ended (docs/policy.md "As known then")
    RECORDED_AFTER_MONTH = "recorded_after_month"

    @property
    def is_integrity(self) -> bool:
        """A data-quality problem to fix (docs/policy.md "Integrity flags"). A late record is not one:
        late approvals are allowed; the flag only makes them visible."""
        return self is not Flag.RECORDED_AFTER_MONTH


class ExceptionCategory(StrEnum):
    PARENT_INCARCERATED = "parent_incarcerated"
    PARENT_OUT_OF_AREA = "parent_out_of_area"
    PARENT_DECLINES = "parent_declines"
    COURT_ORDER = "court_order"
    WORKER_SAFETY = "worker_safety"
    CHILD_IN_TREATMENT = "child_in_treatment"
    OTHER = "other"


class StaffingReasonCode(StrEnum):
    PLACEMENT_CHANGE = "placement_change"
    HOSPITALIZED = "hospitalized"
    COURT_RESTRICTION = "court_restriction"
    FAMILY_REFUSED = "family_refused"
    WORKER_SAFETY = "worker_safety"
    SCHEDULING = "scheduling"
    OTHER = "other"

