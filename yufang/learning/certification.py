"""The rule, the certificate and the completion fact: evaluating an enrolment against the study
rule, issuing the certificate and recording the completion. A domain module of its own, which
the heartbeat (a lesson just completed) and the services (an exam passed, a rule changed) both
import, so neither imports the other."""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from yufang.accounts.models import Organisation
from yufang.core import audit
from yufang.core.masking import mask_id_number
from yufang.core.models import AuditAction
from yufang.plans.models import Plan
from yufang.projects.selectors import online_project_of
from yufang.targets.services import completion_record

from .models import Certificate, Enrolment
from .selectors import progress_of


def _certificate_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(12))
        if not Certificate.objects.filter(code=code).exists():
            return code


@transaction.atomic
def enrolment_evaluate(*, enrolment_id: int, today: datetime.date | None = None) -> Certificate | None:
    """Checks the year's rule; the first time it is met, issues the certificate and writes the
    online completion fact (once: the certificate is its source). Returns the certificate."""
    enrolment = (
        Enrolment.objects.select_for_update().select_related("person", "plan", "enterprise").get(pk=enrolment_id)
    )
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    progress = progress_of(enrolment)
    if not progress.met:
        return None
    day = today or timezone.localdate()
    person = enrolment.person
    certificate = Certificate.objects.create(
        enrolment=enrolment,
        code=_certificate_code(),
        issued_on=day,
        name=person.name,
        id_masked=mask_id_number(person.id_number),
        courses=[
            {"title": c.course.title, "kind": c.kind_label, "hours": str(c.earned_hours)}
            for c in progress.courses
            if c.earned_hours > 0
        ],
        total_hours=progress.total_hours,
        issuer=_issuer(enrolment.plan),
        year=enrolment.plan.year,
    )
    audit.record_create(actor=None, instance=certificate, event="rule_met")
    enrolment.completed_on = day
    enrolment.save(update_fields=["completed_on", "updated_at"])
    audit.record(
        actor=None,
        action=AuditAction.UPDATE,
        instance=enrolment,
        event="rule_met",
        changes={"completed_on": [None, day.isoformat()]},
        extra={"rule": progress.rule_text},
    )
    completion_record(
        person=person,
        mode="online",
        completed_on=day,
        source=certificate,
        provider=enrolment.provider,
        project=online_project_of(enrolment),
        hours=certificate.total_hours,
        actor=None,
    )
    return certificate


def enrolments_evaluate(*, plan: Plan, progress=None, today: datetime.date | None = None) -> int:
    """Evaluates every learner of the year who has not yet met the rule (after the rule has
    been relaxed). Each learner in a transaction of their own, so a long run holds no lock for
    long. Returns how many met it now."""
    pending = list(
        Enrolment.objects.filter(plan=plan, completed_on__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    if progress is not None:
        progress.total(len(pending), "正在逐人核定")
    met = 0
    for done, enrolment_id in enumerate(pending, start=1):
        if enrolment_evaluate(enrolment_id=enrolment_id, today=today) is not None:
            met += 1
        if progress is not None:
            progress.step(done, f"已核定 {done} 人，新达标 {met} 人")
    return met


def _issuer(plan: Plan) -> str:
    from yufang.accounts.models import OrganisationKind as Kind

    agency = Organisation.objects.filter(kind=Kind.AGENCY, city_id=plan.city_id).first()
    return agency.name if agency else f"{plan.city.name}工伤预防管理平台"
