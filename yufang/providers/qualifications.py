"""The qualifications a provider must hold for a budget item (鲁人社字〔2022〕14号), and what it lacks
on a given day: the agreement services refuse on it, the agreement page shows it."""

import datetime

from django.core.exceptions import ValidationError

from yufang.accounts.models import Organisation
from yufang.plans.models import BudgetItem

from .models import Qualification, QualificationKind, ServiceAgreement


def needs_hazchem(item: BudgetItem, agreement: ServiceAgreement | None = None) -> bool:
    """Hazardous-chemicals work (鲁人社字〔2022〕14号): the item says so by name, or an indicator of
    the agreement is for the hazardous-chemicals industry."""
    if "危险化学品" in item.name:
        return True
    return (
        agreement is not None
        and agreement.pk is not None
        and agreement.indicators.filter(industry__code="hazchem").exists()
    )


def required_qualifications(item: BudgetItem, agreement: ServiceAgreement | None = None) -> list[str]:
    kinds = [QualificationKind.BUSINESS_LICENCE]
    if item.line.category == "training" or item.implementer_kind == "training":
        kinds.append(QualificationKind.TRAINING)
    if needs_hazchem(item, agreement):
        kinds.append(QualificationKind.HAZCHEM)
    return kinds


def qualification_problems(
    provider: Organisation, item: BudgetItem, on_date: datetime.date, agreement: ServiceAgreement | None = None
) -> list[str]:
    """What the provider lacks for this item on that day, one sentence each."""
    problems = []
    held = list(Qualification.objects.filter(provider=provider))
    for kind in required_qualifications(item, agreement):
        label = QualificationKind(kind).label
        of_kind = [q for q in held if q.kind == kind]
        if any(q.is_valid_on(on_date) for q in of_kind):
            continue
        if of_kind:
            latest = max(of_kind, key=lambda q: q.valid_to or datetime.date.max)
            problems.append(f"「{label}」已于 {latest.valid_to:%Y-%m-%d} 过期")
        else:
            problems.append(f"缺少「{label}」")
    return problems


def ensure_qualified(
    provider: Organisation, item: BudgetItem, on_date: datetime.date, agreement: ServiceAgreement | None = None
) -> None:
    problems = qualification_problems(provider, item, on_date, agreement)
    if problems:
        raise ValidationError(
            {"provider": f"{provider.name}资质不符合要求，不能订立协议：{'；'.join(problems)}。请先上传有效资质。"}
        )
