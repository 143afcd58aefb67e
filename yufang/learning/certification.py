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
from yufang.core.bulk import rows_update
from yufang.core.masking import mask_id_number
from yufang.core.models import AuditAction
from yufang.plans.models import Plan
from yufang.projects.selectors import online_project_of
from yufang.targets.services import SourcedCompletion, completion_record, completion_record_each

from .models import Certificate, Enrolment
from .selectors import Progress, progress_of, progress_of_many


def _certificate_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(12))
        if not Certificate.objects.filter(code=code).exists():
            return code


def _certificate_codes(count: int) -> list[str]:
    """`count` new distinct codes, checked against the issued ones a batch at a time."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {"".join(secrets.choice(alphabet) for _ in range(12)) for _ in range(count - len(codes))}
        wanted -= set(Certificate.objects.filter(code__in=wanted).values_list("code", flat=True))
        codes |= wanted
    return sorted(codes)[:count]


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
        courses=_certificate_courses(progress),
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


def _certificate_courses(progress: Progress) -> list[dict]:
    """The courses a certificate lists: those that earned hours, with their kind and hours."""
    return [
        {"title": c.course.title, "kind": c.kind_label, "hours": str(c.earned_hours)}
        for c in progress.courses
        if c.earned_hours > 0
    ]


def _uncertified_locked(ids: list[int]) -> list[Enrolment]:
    enrolments = []
    for start in range(0, len(ids), 2000):
        enrolments += list(
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("person", "plan", "enterprise")
            .filter(pk__in=ids[start : start + 2000])
            .exclude(pk__in=Certificate.objects.values("enrolment_id"))
            .order_by("pk")
        )
    return enrolments


def _certificates_issue(
    *, met: list[Enrolment], progress: dict[int, Progress], days: dict[int, datetime.date]
) -> list[Certificate]:
    """Inserts the certificates of the enrolments that met the rule, in their order, with ids."""
    issuers: dict[int, str] = {}
    certificates = []
    for enrolment, code in zip(met, _certificate_codes(len(met)), strict=True):
        p = progress[enrolment.pk]
        if enrolment.plan_id not in issuers:
            issuers[enrolment.plan_id] = _issuer(enrolment.plan)
        certificates.append(
            Certificate(
                enrolment=enrolment,
                code=code,
                issued_on=days[enrolment.pk],
                name=enrolment.person.name,
                id_masked=mask_id_number(enrolment.person.id_number),
                courses=_certificate_courses(p),
                total_hours=p.total_hours,
                issuer=issuers[enrolment.plan_id],
                year=enrolment.plan.year,
            )
        )
    certificates = Certificate.objects.bulk_create(certificates, batch_size=1000)
    if any(c.pk is None for c in certificates):  # databases that cannot return ids from a bulk insert
        by_code = dict(Certificate.objects.filter(code__in=[c.code for c in certificates]).values_list("code", "pk"))
        for c in certificates:
            c.pk = by_code[c.code]
    return certificates


def _enrolments_complete(
    *, met: list[Enrolment], progress: dict[int, Progress], days: dict[int, datetime.date]
) -> None:
    """Sets each enrolment's completion day and writes its audit record."""
    now = timezone.now()
    for enrolment in met:
        enrolment.completed_on = days[enrolment.pk]
        enrolment.updated_at = now
    rows_update(met, ["completed_on", "updated_at"])
    audit.record_updated_many(
        actor=None,
        changes=[
            (e, {"completed_on": [None, e.completed_on.isoformat()]}, {"rule": progress[e.pk].rule_text}) for e in met
        ],
        event="rule_met",
    )


def _online_completions(met: list[Enrolment], certificates: list[Certificate]) -> list[SourcedCompletion]:
    """The online completion facts, one a certificate, which is their source."""
    projects: dict[tuple, object] = {}
    providers = Organisation.objects.in_bulk({e.provider_id for e in met if e.provider_id})
    records = []
    for enrolment, certificate in zip(met, certificates, strict=True):
        key = (enrolment.provider_id, enrolment.plan_id)
        if key not in projects:
            projects[key] = online_project_of(enrolment)
        records.append(
            SourcedCompletion(
                person=enrolment.person,
                completed_on=certificate.issued_on,
                source=certificate,
                provider=providers.get(enrolment.provider_id),
                project=projects[key],
                hours=certificate.total_hours,
            )
        )
    return records


@transaction.atomic
def enrolments_certify(*, days: dict[int, datetime.date]) -> list[Certificate]:
    """The bulk form of enrolment_evaluate, for many enrolments at once (after a bulk credit or
    an exam session's answer sheets): the same rule (progress_of_many), certificates, audit and
    completions, in a fixed number of statements per batch. `days` maps each enrolment id to the
    day its latest step happened, the certificate's date. Returns the certificates issued now."""
    enrolments = _uncertified_locked(sorted(days))
    progress = progress_of_many(enrolments)
    met = [e for e in enrolments if progress[e.pk].met]
    if not met:
        return []
    certificates = _certificates_issue(met=met, progress=progress, days=days)
    audit.record_created_many(actor=None, instances=certificates, event="rule_met")
    _enrolments_complete(met=met, progress=progress, days=days)
    completion_record_each(mode="online", records=_online_completions(met, certificates), actor=None)
    return certificates


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
