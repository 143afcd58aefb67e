"""The list of plans and the budget panel read the same number of queries for three times as
many plans."""

from django.urls import reverse

from yufang.core.tests.queries import assert_flat, listed, page_reader
from yufang.plans.models import Plan
from yufang.plans.selectors import budget_home_panel, plan_list
from yufang.plans.tests.factories import make_plan


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
