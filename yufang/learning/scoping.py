from django.db.models import Q

from yufang.core import scoping

from .models import Certificate, Course, Enrolment, LearningSession, Question, Registration, StudyInterval


def _enrolment_rules(prefix: str = "") -> dict:
    return {
        "region": lambda s: Q(**{f"{prefix}enterprise__region_id": s.region_id}),
        "organisation": lambda s: (
            Q(**{f"{prefix}enterprise_id": s.organisation_id}) | Q(**{f"{prefix}provider_id": s.organisation_id})
        ),
        "self": lambda s: Q(**{f"{prefix}person__user_id": s.user_id}),
    }


scoping.register(Enrolment, **_enrolment_rules(), partners=False)
scoping.register(Certificate, **_enrolment_rules("enrolment__"), partners=False)
scoping.register(LearningSession, **_enrolment_rules("enrolment__"), partners=False)
scoping.register(StudyInterval, **_enrolment_rules("enrolment__"), partners=False)
# The catalogue and the question bank are read by every signed-in user (a trainee sees a
# course through their curriculum); who may change them is a permission, not a scope.
scoping.register(Course, region=lambda s: Q(), organisation=lambda s: Q(), self=lambda s: Q())
scoping.register(Question, region=lambda s: Q(), organisation=lambda s: Q())
# A self-registration waits with the enterprise it names; its registrant sees their own.
scoping.register(
    Registration,
    region=lambda s: Q(enterprise__region_id=s.region_id),
    organisation=lambda s: Q(enterprise_id=s.organisation_id),
    self=lambda s: Q(user_id=s.user_id),
    partners=False,
)
