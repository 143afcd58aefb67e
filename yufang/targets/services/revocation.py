"""Revoking a completion that proves false (撤销培训完成记录): the one writer of
Completion.revoked_at. The completion stays, marked, with its revocation (reason, evidence and
basis); every target that counted it is recounted for that person alone, and the apps that keep
figures of their own (the projects' reports) follow through core.registry. Counting a target is
per person (targets.counting.Tally), so recounting one person gives exactly what a full
`target_recount` would."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.core.permissions import require
from yufang.core.registry import COMPLETION_REVOKED, contributions

from .. import permissions as may
from ..counting import Criteria, Tally, _candidate_targets, _cells, _cities_of, _target_completions
from ..models import Completion, CompletionRevocation, ProgrammeHours, Target, TargetMember, TargetTally


def _person_recount(target: Target, criteria: Criteria, person_id: int) -> None:
    """Rebuilds one person's place in a target (member, tally cells, programme hours) from their
    completions that still count. The target row is locked, so counts queue behind it."""
    with transaction.atomic():
        Target.objects.select_for_update().filter(pk=target.pk).values_list("pk", flat=True).get()
        old = TargetMember.objects.filter(target=target, person_id=person_id).select_related("completion").first()
        if old is not None:
            c = old.completion
            for region, dimension, key in _cells(c.region_id, c.industry_id, c.position_id, c.completed_on):
                TargetTally.objects.filter(target=target, region_id=region, dimension=dimension, key=key).update(
                    count=F("count") - 1
                )
            old.delete()
            Target.objects.filter(pk=target.pk).update(achieved=F("achieved") - 1)
        ProgrammeHours.objects.filter(target=target, person_id=person_id).delete()
        tally = Tally(criteria)
        for row in _target_completions(target, criteria).filter(person_id=person_id):
            tally.feed(row)
        for person, completion in tally.members.items():
            TargetMember.objects.create(target=target, person_id=person, completion_id=completion)
        for (region, dimension, key), n in tally.cells.items():
            cell, _ = TargetTally.objects.get_or_create(
                target=target, region_id=region, dimension=dimension, key=key, defaults={"count": 0}
            )
            TargetTally.objects.filter(pk=cell.pk).update(count=F("count") + n)
        for person, (hours, offline, met) in tally.hours.items():
            ProgrammeHours.objects.create(target=target, person_id=person, hours=hours, offline_hours=offline, met=met)
        if tally.members:
            Target.objects.filter(pk=target.pk).update(achieved=F("achieved") + len(tally.members))


def _basis_check(basis: models.Model, completion: Completion) -> None:
    """The basis must be a record that may revoke this completion: a confirmed flag about the
    person, or a call-back that found they did not attend. Such records say so themselves."""
    allows = getattr(basis, "revocation_allows", None)
    if allows is None:
        raise ValidationError("撤销依据须为已核实的异常线索或回访记录。")
    ok, reason = allows(completion)
    if not ok:
        raise ValidationError(reason)


def completion_revoke(
    *, completion: Completion, reason: str, evidence: str, basis: models.Model, actor: User
) -> CompletionRevocation:
    """Revokes one person's completion that proved false, with reason, evidence and basis
    (a confirmed flag or a call-back). The agency decides. Every target that counted it, and
    every report figure of its project, moves in the same transaction."""
    require(may.can_revoke_completion(actor))
    reason, evidence = (reason or "").strip(), (evidence or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤销理由。"})
    if not evidence:
        raise ValidationError({"evidence": "请写明证据。"})
    with transaction.atomic():
        locked = Completion.objects.select_for_update().get(pk=completion.pk)
        if locked.revoked_at is not None:
            raise ValidationError("该培训完成记录已撤销。")
        _basis_check(basis, locked)
        city_id = _cities_of([locked])[locked.pk]
        counted = [
            (target, criteria)
            for target in _candidate_targets(year=locked.year, city_id=city_id)
            if (criteria := Criteria.of(target)).matches(locked)
        ]
        now = timezone.now()
        Completion.objects.filter(pk=locked.pk).update(revoked_at=now)
        locked.revoked_at = now
        revocation = CompletionRevocation.objects.create(
            completion=locked,
            reason=reason[:300],
            evidence=evidence,
            basis_type=ContentType.objects.get_for_model(basis),
            basis_id=str(basis.pk),
            basis_repr=str(basis)[:300],
            basis_url=(basis.get_absolute_url() if hasattr(basis, "get_absolute_url") else "")[:200],
            revoked_by=actor,
            revoked_at=now,
        )
        for target, criteria in counted:
            _person_recount(target, criteria, locked.person_id)
        audit.record(
            actor=actor,
            action=AuditAction.TRANSITION,
            instance=locked,
            event="revoke",
            changes={"revoked_at": [None, now.isoformat()]},
            extra={
                "label": "撤销培训完成记录",
                "note": reason,
                "evidence": evidence,
                "basis": revocation.basis_repr,
                "targets": [t.pk for t, _ in counted],
            },
        )
        # Apps keeping figures of their own (a project's reports) follow in the same transaction.
        for follow in contributions(COMPLETION_REVOKED):
            follow(completion=locked, actor=actor)
    completion.revoked_at = locked.revoked_at
    return revocation
