"""The list of plans, the budget panel, a plan's budget and its ledger read the same number of
queries for three times as many plans, items or ledger entries."""

from decimal import Decimal

from django.urls import reverse

from yufang.core.tests.queries import assert_flat, listed, page_reader
from yufang.plans.models import BudgetItem, Plan
from yufang.plans.selectors import budget_entries, budget_home_panel, plan_budget, plan_list
from yufang.plans.services import budget_commit, budget_pay, plan_set_budget
from yufang.plans.tests.factories import make_plan

D = Decimal


def _plans(world):
    years = iter(range(2015, 2045))

    def build(n):
        for _ in range(n):
            make_plan(world, year=next(years))

    return build


def test_plan_list_with_what_its_page_shows(world):
    def read():
        return [(p.title, p.year, p.get_status_display(), p.fund_amount) for p in plan_list(user=world.owner)]

    assert_flat(build=_plans(world), evaluate=read)


def test_plan_list_page_and_the_budget_panel_on_the_home_page(world):
    build = _plans(world)
    for key in ("owner", "partner", "district_a"):
        assert_flat(build=build, evaluate=page_reader(world.users[key], reverse("plans:list")), size=listed)

    def panel():
        data = budget_home_panel(world.owner)
        return [(str(data["plan"]), data["total"])] + [
            (r["line"].get_category_display(), r["line"].committed, r["paid_percent"]) for r in data["rows"]
        ]

    # The panel shows the latest plan whatever the number of plans: its reads stay the same.
    assert_flat(build=build, evaluate=panel, size=lambda _: Plan.objects.count())


def _items(world):
    """A draft plan whose budget gains n items per call, set through the budget service the way
    the budget page saves it (every item at once)."""
    plan = make_plan(world, issue=False)
    names: list[tuple[str, str]] = []

    def build(n):
        for _ in range(n):
            category = ("publicity", "training")[len(names) % 2]
            names.append((category, f"测试预算项目{len(names)}"))
        plan_set_budget(
            actor=world.owner,
            plan=plan,
            lines={"publicity": D("500000.00"), "training": D("1000000.00")},
            items=[
                {
                    "category": c,
                    "name": name,
                    "implementer_kind": c,
                    "amount": D("1000.00"),
                    "description": f"{name}说明",
                }
                for c, name in names
            ],
        )

    return plan, build


def test_plan_budget_with_what_its_pages_show(world):
    plan, build = _items(world)

    def read():
        return [
            (line.get_category_display(), line.amount, item.name, item.description, item.get_implementer_kind_display())
            + (item.amount, item.committed, item.paid, item.remaining)
            for line, items in plan_budget(user=world.owner, plan=plan)
            for item in items
        ]

    assert assert_flat(build=build, evaluate=read) == 2


def test_plan_detail_and_budget_pages_as_the_budget_grows(world):
    plan, build = _items(world)
    for key in ("owner", "partner"):  # a draft is not shown to districts yet
        assert_flat(
            build=build,
            evaluate=page_reader(world.users[key], reverse("plans:detail", args=[plan.pk])),
            size=lambda response: sum(len(items) for _, items in response.context["budget"]),
        )
    assert_flat(
        build=build,
        evaluate=page_reader(world.owner, reverse("plans:budget", args=[plan.pk])),
        size=lambda response: len(response.context["formset"].initial),
    )


def _entries(world):
    """An issued plan on whose items each call commits and pays n amounts, through the ledger's
    services (an agreement's signing and a payment call the same two)."""
    plan = make_plan(world)
    items = list(BudgetItem.objects.filter(line__plan=plan).order_by("pk"))
    made = [0]

    def build(n):
        for _ in range(n):
            target = items[made[0] % len(items)]
            made[0] += 1
            budget_commit(item=target, amount=D("100.00"), actor=world.owner, source=plan)
            budget_pay(item=target, amount=D("40.00"), actor=world.users["agency"], source=plan)

    return plan, build


def test_budget_entries_with_what_the_plan_page_shows(world):
    plan, build = _entries(world)

    def read():
        return [
            (e.occurred_at, e.item.name, e.get_kind_display(), e.amount, e.source_repr, str(e.actor))
            for e in budget_entries(user=world.owner, plan=plan)
        ]

    assert assert_flat(build=build, evaluate=read) == 1
    # The plan page shows the latest twenty: fewer built here, so every one is on it.
    assert_flat(
        build=build,
        evaluate=page_reader(world.owner, reverse("plans:detail", args=[plan.pk])),
        size=lambda response: len(response.context["entries"]),
    )
