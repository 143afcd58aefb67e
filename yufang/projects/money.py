"""A project's money as its records stand: what is deducted, what the payments hold, the balance
still due and the summary the completion report starts from. The money services check their
amounts against these; the project page shows them."""

from decimal import Decimal

from django.db.models import Sum

from yufang.plans.models import yuan

from .models import DEDUCTION_COUNTS, PAYMENT_HOLDS, ZERO, PaymentKind, PaymentStatus, Project


def deductions_total(project: Project) -> Decimal:
    return project.deductions.filter(status__in=DEDUCTION_COUNTS).aggregate(s=Sum("amount"))["s"] or ZERO


def payments_held(project: Project, kind: str | None = None, statuses=PAYMENT_HOLDS) -> Decimal:
    qs = project.payments.filter(status__in=statuses)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.aggregate(s=Sum("amount"))["s"] or ZERO


def balance_due(project: Project) -> Decimal:
    """price − advance − deductions."""
    return project.agreement.price - payments_held(project, PaymentKind.ADVANCE) - deductions_total(project)


def payments_summary(project: Project) -> str:
    lines = [f"协议金额 {yuan(project.agreement.price)}。"]
    for p in project.payments.exclude(status=PaymentStatus.REFUSED):
        when = f"，{p.paid_on:%Y-%m-%d} 支付，凭证号 {p.voucher_number}" if p.status == PaymentStatus.PAID else ""
        lines.append(f"{p.get_kind_display()} {yuan(p.amount)}（{p.get_status_display()}{when}）。")
    deducted = deductions_total(project)
    if deducted:
        lines.append(f"扣减项目费用 {yuan(deducted)}。")
    return "\n".join(lines)
