"""Reads for the provider pages, the API and the 待办 list. Everything goes through `scoped`."""

import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from yufang.core.scoping import scoped
from yufang.plans.models import BudgetItem

from .models import (
    DEBARMENT_ENDED,
    AgreementStatus,
    Debarment,
    DebarmentStatus,
    Procurement,
    ProviderProfile,
    Qualification,
    ServiceAgreement,
)

EXPIRY_WARNING_DAYS = 60


def provider_list(*, user, q: str = "", kind: str = "", status: str = "") -> QuerySet[ProviderProfile]:
    qs = scoped(user, ProviderProfile).select_related("organisation", "organisation__region")
    if q:
        qs = qs.filter(Q(organisation__name__icontains=q) | Q(organisation__credit_code__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs


def qualification_list(
    *, user, q: str = "", kind: str = "", expiring: str = "", on_date=None
) -> QuerySet[Qualification]:
    qs = scoped(user, Qualification).select_related("provider")
    if q:
        qs = qs.filter(provider__name__icontains=q)
    if kind:
        qs = qs.filter(kind=kind)
    if expiring and on_date is not None:
        limit = on_date + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
        if expiring == "soon":
            qs = qs.filter(valid_to__gte=on_date, valid_to__lte=limit)
        elif expiring == "expired":
            qs = qs.filter(valid_to__lt=on_date)
    return qs


def qualifications_expiring(*, user, on_date: datetime.date) -> QuerySet[Qualification]:
    return qualification_list(user=user, expiring="soon", on_date=on_date)


def procurement_list(*, user, q: str = "", method: str = "", item=None) -> QuerySet[Procurement]:
    qs = scoped(user, Procurement).select_related("item", "chosen")
    if q:
        qs = qs.filter(Q(chosen__name__icontains=q) | Q(item__name__icontains=q))
    if method:
        qs = qs.filter(method=method)
    if item is not None:
        qs = qs.filter(item=item)
    return qs


def debarment_list(*, user, q: str = "", ground: str = "", status: str = "") -> QuerySet[Debarment]:
    qs = scoped(user, Debarment).select_related("provider")
    if q:
        qs = qs.filter(Q(provider__name__icontains=q) | Q(decision_number__icontains=q))
    if ground:
        qs = qs.filter(ground=ground)
    if status == DEBARMENT_ENDED:
        qs = qs.filter(status=DebarmentStatus.IN_FORCE, end_date__lte=timezone.localdate())
    elif status == DebarmentStatus.IN_FORCE:
        qs = qs.filter(status=status, end_date__gt=timezone.localdate())
    elif status:
        qs = qs.filter(status=status)
    return qs


def agreement_list(*, user, q: str = "", status: str = "", provider=None, item=None) -> QuerySet[ServiceAgreement]:
    qs = scoped(user, ServiceAgreement).select_related("item", "provider", "agency")
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(provider__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if provider is not None:
        qs = qs.filter(provider=provider)
    if item is not None:
        qs = qs.filter(item=item)
    return qs


def agreements_awaiting(*, user, status: str) -> QuerySet[ServiceAgreement]:
    return scoped(user, ServiceAgreement).filter(status=status)


def item_budget(item: BudgetItem) -> dict[str, Decimal]:
    """Budgeted, committed, paid and remaining for an item, as the agency sees it before signing."""
    item.refresh_from_db(fields=["amount", "committed", "paid"])
    return {
        "amount": item.amount,
        "committed": item.committed,
        "paid": item.paid,
        "remaining": item.amount - item.committed,
    }


def budget_items_open() -> QuerySet[BudgetItem]:
    return BudgetItem.objects.filter(line__plan__status="issued").select_related("line", "line__plan")


ACTIVE_STATUSES = (AgreementStatus.SIGNED, AgreementStatus.IN_FORCE)
