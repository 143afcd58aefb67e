"""Enrolment: trainee accounts, enrolling people (one by one, from a roster, by self-registration)."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction

from yufang.accounts.models import Organisation, OrganisationKind, Role, User, UserRole
from yufang.accounts.passwords import new_user_save
from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.core.workflow import Transition, Workflow
from yufang.people import idnumbers
from yufang.people.models import Person
from yufang.people.services import person_upsert
from yufang.plans.models import Plan

from ..models import Channel, Enrolment, Registration, RegistrationStatus
from ..permissions import can_decide_registration
from ..selectors import current_plan_for, registration_problem
from .catalogue import study_rule_for


def _trainee_username() -> str:
    while True:
        name = f"xy{secrets.randbelow(10**8):08d}"
        if not User.objects.filter(username=name).exists():
            return name


def _trainee_account(
    *, actor: User, person: Person, enterprise: Organisation, password: str | None
) -> tuple[User, str]:
    """One account per person: the person's existing account, else a new trainee account.
    Returns (user, the one-time password or "" for an existing account)."""
    if person.user_id:
        return person.user, ""
    user, issued = _new_trainee_user(
        actor=actor, enterprise=enterprise, display_name=person.name, phone=person.phone, password=password
    )
    _bind_account(actor=actor, person=person, user=user)
    return user, issued or ""


def _new_trainee_user(
    *, actor: User, enterprise: Organisation, display_name: str, phone: str, password: str | None
) -> tuple[User, str | None]:
    user = User(username=_trainee_username(), organisation=enterprise, display_name=display_name, phone=phone)
    issued = new_user_save(user, password)
    UserRole.objects.create(user=user, role=Role.TRAINEE)
    audit.record_create(actor=actor, instance=user, event="trainee_account")
    return user, issued


def _bind_account(*, actor: User, person: Person, user: User) -> None:
    """Links an account to a person who has none (one account per person), audited."""
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


@transaction.atomic
def enrolment_create(
    *, actor: User, person: Person, plan: Plan, enterprise: Organisation, channel: str, provider=None
) -> tuple[Enrolment, bool]:
    """Enrols a person in the year's online programme (once per year)."""
    existing = Enrolment.objects.filter(person=person, plan=plan).first()
    if existing is not None:
        return existing, False
    study_rule_for(plan=plan)
    enrolment = Enrolment.objects.create(
        person=person, plan=plan, enterprise=enterprise, provider=provider, channel=channel
    )
    audit.record_create(actor=actor, instance=enrolment)
    return enrolment, True


@transaction.atomic
def person_self_register(
    *,
    name: str,
    id_number: str,
    phone: str,
    credit_code: str,
    industry,
    position,
    password: str,
) -> User:
    """A worker registers themselves with real name and ID number, naming their employer by its
    unified social credit code. They get an account at once, but it is bound to no archive and
    enrols in nothing until the employer (or the agency) confirms who registered
    (registration_transition). Nothing here reads or writes the people archive, so the answer is
    the same whether the ID number is on file, has an account, or neither."""
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
    name = "".join(name.split())
    user, _ = _new_trainee_user(actor=None, enterprise=enterprise, display_name=name, phone=phone, password=password)
    registration = Registration.objects.create(
        user=user,
        enterprise=enterprise,
        plan=plan,
        name=name,
        id_number=info.number,
        id_hash=idnumbers.id_hash(info.number),
        phone=phone,
        industry=industry,
        position=position,
    )
    audit.record_create(actor=user, instance=registration)
    return user


def _registration_confirm(*, obj: Registration, actor: User, note: str = "", **params) -> None:
    problem = registration_problem(obj)
    if problem:
        raise ValidationError(problem)
    person = Person.objects.select_for_update().filter(id_hash=obj.id_hash).first()
    if person is None:
        person, _ = person_upsert(
            actor=actor,
            id_number=obj.id_number,
            name=obj.name,
            phone=obj.phone,
            enterprise=obj.enterprise,
            region=obj.enterprise.region,
            industry=obj.industry,
            position=obj.position,
        )
    # A known person's archive stays as it is: the confirmation links the account and enrols.
    _bind_account(actor=actor, person=person, user=obj.user)
    enrolment_create(actor=actor, person=person, plan=obj.plan, enterprise=obj.enterprise, channel=Channel.SELF)


def _registration_reject(*, obj: Registration, actor: User, note: str = "", **params) -> None:
    User.objects.filter(pk=obj.user_id).update(is_active=False)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=obj.user,
        event="deactivate",
        changes={"is_active": [True, False]},
        extra={"reason": "registration_rejected"},
    )


REGISTRATION_WORKFLOW = Workflow(
    model=Registration,
    transitions=[
        Transition(
            RegistrationStatus.PENDING,
            "confirm",
            RegistrationStatus.CONFIRMED,
            "确认是本单位职工",
            can_decide_registration,
            effect=_registration_confirm,
        ),
        Transition(
            RegistrationStatus.PENDING,
            "reject",
            RegistrationStatus.REJECTED,
            "驳回",
            can_decide_registration,
            effect=_registration_reject,
            style="outline-danger",
            needs_note=True,
        ),
    ],
)


def registration_transition(*, registration: Registration, action: str, actor: User, note: str = "") -> Registration:
    return REGISTRATION_WORKFLOW.perform(obj=registration, action=action, actor=actor, note=note)
