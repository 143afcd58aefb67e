"""Writes on the enterprise register: profiles (one per credit code), yearly statistics, key
marks, and the spreadsheet imports that apply them row by row in one transaction."""

from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from yufang.accounts.models import Organisation, OrganisationKind, User
from yufang.accounts.services import organisation_create, organisation_update
from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.core.permissions import require as _require
from yufang.core.registry import KEY_ENTERPRISES_CHANGED, contributions
from yufang.core.services import model_create, model_delete, model_update

from . import permissions as may
from .models import EnterpriseProfile, InjuryStatistic, KeyEnterpriseMark
from .selectors import INSURED_BY_REGION_KEY

PROFILE_FIELDS = [
    "industry",
    "industry_code",
    "licence_type",
    "licence_number",
    "insured_headcount",
    "contact_name",
    "contact_phone",
]
STAT_FIELDS = ["accident_cases", "disease_cases", "insured_headcount", "premiums_paid", "benefits_paid"]


@transaction.atomic
def enterprise_save(
    *, actor: User, organisation: Organisation | None = None, org_data: dict[str, Any], data: dict[str, Any]
) -> EnterpriseProfile:
    """Creates or updates an enterprise and its profile. One record per credit code: an
    existing enterprise with the code is updated, never duplicated."""
    profile = getattr(organisation, "enterprise_profile", None) if organisation is not None else None
    _require(may.can_manage_register(actor, profile))
    code = (org_data.get("credit_code") or "").strip().upper()
    if organisation is None and code:
        organisation = Organisation.objects.filter(credit_code=code).first()
        if organisation is not None and organisation.kind != OrganisationKind.ENTERPRISE:
            raise ValidationError({"credit_code": "该统一社会信用代码已登记为其他类型的机构。"})
    data = {k: v for k, v in data.items() if k in PROFILE_FIELDS}
    if data.get("licence_type") and not data.get("licence_number"):
        raise ValidationError({"licence_number": "有危化品许可的，须填写许可证编号。"})
    if organisation is None:
        organisation = organisation_create(actor=actor, data={**org_data, "kind": OrganisationKind.ENTERPRISE})
    elif org_data and actor.has_role("programme_owner", "agency_staff"):
        organisation = organisation_update(actor=actor, organisation=organisation, data=org_data)
    profile = EnterpriseProfile.objects.filter(organisation=organisation).first()
    transaction.on_commit(lambda: cache.delete(INSURED_BY_REGION_KEY))
    if profile is None:
        return model_create(model=EnterpriseProfile, data={"organisation": organisation, **data}, actor=actor)
    profile, _ = model_update(instance=profile, fields=list(data), data=data, actor=actor)
    return profile


@transaction.atomic
def statistic_save(*, actor: User, enterprise: Organisation, year: int, data: dict[str, Any]) -> InjuryStatistic:
    _require(may.can_manage_register(actor))
    data = {k: v for k, v in data.items() if k in STAT_FIELDS}
    stat = InjuryStatistic.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
    if stat is None:
        return model_create(model=InjuryStatistic, data={"enterprise": enterprise, "year": year, **data}, actor=actor)
    stat, _ = model_update(instance=stat, fields=list(data), data=data, actor=actor)
    return stat


@transaction.atomic
def key_mark(*, actor: User, enterprise: Organisation, year: int, reason: str) -> KeyEnterpriseMark:
    _require(may.can_mark_key(actor))
    reason = reason.strip()
    if len(reason) < 4:
        raise ValidationError({"reason": "请写明确定为重点企业的理由。"})
    profile = EnterpriseProfile.objects.filter(organisation=enterprise).first()
    if profile is None:
        raise ValidationError("该企业尚未登记行业，不能确定为重点企业。")
    existing = KeyEnterpriseMark.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
    if existing is not None:
        mark, _ = model_update(instance=existing, fields=["reason"], data={"reason": reason}, actor=actor)
        return mark
    mark = model_create(
        model=KeyEnterpriseMark,
        data={"enterprise": enterprise, "year": year, "industry": profile.industry, "reason": reason},
        actor=actor,
    )
    _recount_key_targets(year)
    return mark


@transaction.atomic
def key_unmark(*, actor: User, mark: KeyEnterpriseMark) -> None:
    _require(may.can_mark_key(actor))
    year = mark.year
    model_delete(instance=mark, actor=actor)
    _recount_key_targets(year)


def _recount_key_targets(year: int) -> None:
    """The year's key enterprises are an enterprise set targets count by: a mark added or removed
    changes who those targets count, so they are recounted in the same transaction. The targets
    app, which reads this app's marks, contributes the recount (core.registry)."""
    for follow_up in contributions(KEY_ENTERPRISES_CHANGED):
        follow_up(year)


@transaction.atomic
def register_import_apply(*, actor: User, rows: list[dict], job=None, kind: str = "register") -> int:
    """Applies checked import rows (register or statistics) in one transaction."""
    _require(may.can_manage_register(actor))
    if job is not None:
        locked = type(job).objects.select_for_update().get(pk=job.pk)
        if locked.result.get("applied"):
            raise ValidationError("该文件已导入过。")
        locked.result = {**locked.result, "applied": True}
        locked.save(update_fields=["result"])
    from decimal import Decimal

    from yufang.reference.models import City, Industry, Region

    industries = {i.pk: i for i in Industry.objects.all()}
    for row in rows:
        if kind == "register":
            org_data = {
                "name": row["name"],
                "credit_code": row["credit_code"],
                "region": Region.objects.get(pk=row["region_id"]) if row.get("region_id") else None,
                "city": City.objects.get(pk=row["city_id"]),
            }
            existing = Organisation.objects.filter(credit_code=row["credit_code"]).first()
            if existing is not None:
                org_data = {k: v for k, v in org_data.items() if k in ("name", "region")}
            enterprise_save(
                actor=actor,
                organisation=existing,
                org_data=org_data,
                data={
                    "industry": industries[row["industry_id"]],
                    "industry_code": row.get("industry_code", ""),
                    "licence_type": row.get("licence_type", ""),
                    "licence_number": row.get("licence_number", ""),
                    "insured_headcount": row.get("insured_headcount") or 0,
                    "contact_name": row.get("contact_name", ""),
                    "contact_phone": row.get("contact_phone", ""),
                },
            )
        else:
            statistic_save(
                actor=actor,
                enterprise=Organisation.objects.get(pk=row["enterprise_id"]),
                year=row["year"],
                data={
                    "accident_cases": row["accident_cases"],
                    "disease_cases": row["disease_cases"],
                    "insured_headcount": row["insured_headcount"],
                    "premiums_paid": Decimal(row["premiums_paid"]),
                    "benefits_paid": Decimal(row["benefits_paid"]),
                },
            )
    if job is not None:
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=job, event=f"{kind}_import", extra={"rows": len(rows)}
        )
    return len(rows)
