from decimal import Decimal

from django.db.models import QuerySet

from yufang.core.scoping import scoped

from .models import BudgetEntry, BudgetItem, BudgetLine, Plan


def plan_list(*, user, year=None, status: str = "") -> QuerySet[Plan]:
    qs = scoped(user, Plan).select_related("city")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs


def plan_budget(*, user, plan: Plan) -> list[tuple[BudgetLine, list[BudgetItem]]]:
    """Lines with their items, in the order of the official fund-use table (two queries)."""
    lines = list(scoped(user, BudgetLine).filter(plan=plan).order_by("category"))
    items = scoped(user, BudgetItem).filter(line__plan=plan).order_by("line__category", "sort_order", "pk")
    grouped: dict[int, list[BudgetItem]] = {line.pk: [] for line in lines}
    for item in items:
        grouped.setdefault(item.line_id, []).append(item)
    return [(line, grouped[line.pk]) for line in lines]


def budget_entries(*, user, plan: Plan) -> QuerySet[BudgetEntry]:
    return scoped(user, BudgetEntry).filter(item__line__plan=plan).select_related("item", "actor")


def budget_home_panel(user) -> dict | None:
    """Budget execution of the latest issued plan, for the owner, the agency and the finance
    bureau: each line's budget, committed and paid."""
    from yufang.accounts.models import Role

    if not (user.is_finance_partner or user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF)):
        return None
    plan = plan_list(user=user, status="issued").order_by("-year").first()
    if plan is None:
        return None
    lines = list(scoped(user, BudgetLine).filter(plan=plan).order_by("category"))
    rows = [
        {
            "line": line,
            "paid_percent": int(line.paid * 100 / line.amount) if line.amount else 0,
            "pending_percent": int((line.committed - line.paid) * 100 / line.amount) if line.amount else 0,
        }
        for line in lines
    ]
    total = {k: sum((getattr(line, k) for line in lines), Decimal("0")) for k in ("amount", "committed", "paid")}
    return {"plan": plan, "rows": rows, "total": total}
