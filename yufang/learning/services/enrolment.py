"""Enrolment: trainee accounts, enrolling people (one by one, from a roster, by self-registration)."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yufang.accounts.models import Organisation, OrganisationKind, Role, User, UserRole
from yufang.accounts.services import new_user_save
from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.people import idnumbers
from yufang.people.models import Person
from yufang.people.services import person_upsert
from yufang.plans.models import Plan

from ..models import Channel, Enrolment
from .catalogue import study_rule_for


def current_plan_for(enterprise: Organisation) -> Plan | None:
    return Plan.objects.filter(city_id=enterprise.city_id, status="issued").order_by("-year").first()


def _trainee_username() -> str:
    while True:
        name = f"xy{secrets.randbelow(10**8):08d}"
        if not User.objects.filter(username=name).exists():
            return name


def _trainee_account(*, actor, person: Person, enterprise: Organisation, password: str | None) -> tuple[User, str]:
    """One account per person: the person's existing account, else a new trainee account.
    Returns (user, the one-time password or "" for an existing account)."""
    if person.user_id:
        return person.user, ""
    user = User(username=_trainee_username(), organisation=enterprise, display_name=person.name, phone=person.phone)
    issued = new_user_save(user, password)
    UserRole.objects.create(user=user, role=Role.TRAINEE)
    audit.record_create(actor=actor, instance=user, event="trainee_account")
    Person.objects.filter(pk=person.pk, user__isnull=True).update(user=user)
    person.refresh_from_db(fields=["user"])
    if person.user_id != user.pk:
        raise ValidationError("该人员已有平台账号。")
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=person,
        event="account_bound",
        changes={"user": [None, user.pk]},
    )
    return user, issued or ""


@transaction.atomic
def enrol(
    *, actor, person: Person, plan: Plan, enterprise: Organisation, channel: str, provider=None
) -> tuple[Enrolment, bool]:
    """Enrols a person in the year's online programme (once per year)."""
    existing = Enrolment.objects.filter(person=person, plan=plan).first()
    if existing is not None:
        return existing, False
    study_rule_for(plan)
    enrolment = Enrolment.objects.create(
        person=person, plan=plan, enterprise=enterprise, provider=provider, channel=channel
    )
    audit.record_create(actor=actor, instance=enrolment)
    return enrolment, True


def enrolment_target(plan: Plan, enterprise_id: int | None = None):
    """The year's online enrolment list as a roster target for the shared roster importer."""
    from yufang.training.roster import RosterTarget

    return RosterTarget(
        city_id=plan.city_id,
        day=timezone.localdate(),
        industry_id=None,  # the row's industry, else the enterprise's focus industry
        on_list=lambda ids: set(ids) & set(Enrolment.objects.filter(plan=plan).values_list("person_id", flat=True)),
        own_enterprise_id=enterprise_id,
        enterprise_required=True,
    )


@transaction.atomic
def self_register(
    *,
    name: str,
    id_number: str,
    phone: str,
    credit_code: str,
    industry,
    position,
    password: str,
) -> User:
    """A worker registers themselves with real name and ID, bound to an enterprise the agency
    has on file (by its unified social credit code). One account per person."""
    enterprise = Organisation.objects.filter(
        kind=OrganisationKind.ENTERPRISE, credit_code=credit_code.strip().upper(), is_active=True
    ).first()
    if enterprise is None:
        raise ValidationError(
            {"credit_code": "未找到该统一社会信用代码对应的企业：请向本单位核实，或联系经办机构登记企业。"}
        )
    plan = current_plan_for(enterprise)
    if plan is None:
        raise ValidationError("本年度线上培训尚未开始报名。")
    try:
        info = idnumbers.check(id_number)
    except ValidationError as e:
        raise ValidationError({"id_number": e.messages}) from None
    existing = Person.objects.filter(id_hash=idnumbers.id_hash(info.number)).first()
    if existing is not None and existing.user_id:
        raise ValidationError(
            {"id_number": "该身份证号已注册过账号（每人只能有一个账号）：请直接登录，或请企业联系人重置密码。"}
        )
    if existing is not None and existing.name != name.strip():
        raise ValidationError({"name": "姓名与该身份证号登记的姓名不一致。"})
    person, _ = person_upsert(
        actor=None,
        id_number=info.number,
        name=name.strip(),
        phone=phone,
        enterprise=enterprise,
        region=enterprise.region,
        industry=industry,
        position=position,
    )
    user, _ = _trainee_account(actor=None, person=person, enterprise=enterprise, password=password)
    enrol(actor=user, person=person, plan=plan, enterprise=enterprise, channel=Channel.SELF)
    return user


def enrolment_of(user, plan: Plan | None = None) -> Enrolment | None:
    qs = Enrolment.objects.filter(person__user=user).select_related("plan", "person", "enterprise")
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.order_by("-plan__year").first()
