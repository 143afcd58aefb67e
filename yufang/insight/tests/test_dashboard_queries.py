"""The dashboard reads a fixed number of queries per selector, for the city and for a district,
however many records lie behind it; and the page as a whole stays flat as the records grow."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from yufang.core.tests.queries import assert_flat, page_reader, queries_of
from yufang.insight import dashboard
from yufang.insight.models import DashboardSnapshot
from yufang.plans.tests.factories import make_plan
from yufang.targets.selectors import reference_names

from .factories import EnterpriseBuilder
from .test_years import _target

# (selector, queries for the city, queries for a district). Training: computed afresh (the
# stamp and four grouped counts); cached: the stamp only.
SELECTORS = [
    # the targets, the tallies by district with the parts the owner set (one union), the insured
    # headcount for the targets with none set (a district: its own tallies too)
    ("target_figures", 3, 4),
    ("fund_figures", 1, 1),
    ("project_figures", 2, 2),
    ("supervision_figures", 2, 2),
    ("funnel_figures", 1, 1),
    ("reach_figures", 6, 6),  # the reach page's selector (five) and the quiz
    ("flag_figures", 1, 1),
    ("training_figures", 4, 4),  # four grouped counts
]


PAGE_COLD = 49  # no target in this plan: the insured headcount is not read
PAGE_CACHED = 10


@pytest.fixture
def plan(world):
    plan = make_plan(world)
    _target(world, plan)
    _target(world, plan, name="线下培训人数", threshold=20)
    EnterpriseBuilder(world)(4)
    return plan


@pytest.mark.parametrize("name,city,district", SELECTORS)
def test_selector_queries(world, plan, name, city, district, django_assert_num_queries):
    period = dashboard.period_of(plan, "")
    fn = getattr(dashboard, name)
    for key, expected in (("owner", city), ("district_a", district)):
        user = world.users[key]
        cache.clear()
        reference_names()  # cached across requests
        user.scope  # noqa: B018 - the request's user has its organisation loaded once per request
        with django_assert_num_queries(expected):
            fn(user=user, plan=plan, period=period)


def test_kept_the_row_with_the_stamp_and_the_live_funnel(world, plan, django_assert_num_queries):
    period = dashboard.period_of(plan, "6")
    for key in ("owner", "district_a"):
        user = world.users[key]
        first = dashboard.dashboard_figures(user=user, plan=plan, period=period)
        with django_assert_num_queries(2):  # the kept row with the stamp, the funnel
            again = dashboard.dashboard_figures(user=user, plan=plan, period=period)
        assert again == first


@pytest.mark.parametrize("key", ["owner", "district_a"])
def test_page_is_flat(world, key):
    """Three times the enterprises, people and completions: the same queries, computed afresh
    and from the cache."""
    make_plan(world)
    read = page_reader(world.users[key], reverse("insight:dashboard"))

    def trained(response) -> int:
        figure = next(
            f for s in response.context["data"]["sections"] for f in s["figures"] if f["key"] == "training_region"
        )
        return sum(figure["series"][0]["data"])

    def computed():
        DashboardSnapshot.objects.all().delete()
        cache.clear()
        return read()

    build = EnterpriseBuilder(world)
    cold = assert_flat(build=build, evaluate=computed, size=trained)
    warm = []
    for n in (2, 4):
        build(n)
        read()  # the stamp moved: counted afresh (the tests' tasks run at once) and kept
        queries, response = queries_of(read)
        warm.append((len(queries), trained(response)))
    # Afresh: deleting what was kept, the request's own (session, user, roles, organisation, the
    # session's save), the plans, the reference names (three), nothing kept, placing the row (an
    # insert in a savepoint); then the first count, which the tests' backend runs at once: its
    # user (with roles and organisation) and plan, the stamp, every selector, keeping the count;
    # the row read again and the funnel. Kept: the row with the stamp, the funnel.
    assert cold == PAGE_COLD
    assert warm[0][0] == warm[1][0] == PAGE_CACHED, (warm, cold)
    assert warm[1][1] > warm[0][1] > 0


def test_set_parts_come_with_the_tallies(world, plan, django_assert_num_queries):
    """Once every target is divided the insured headcount is not read: the parts the owner set
    come in the tallies' query."""
    from yufang.targets.models import Target
    from yufang.targets.services import target_parts_set

    a = world.orgs["district_a"].region
    for target in Target.objects.filter(plan=plan):
        target_parts_set(target=target, parts={a: 5}, actor=world.owner)
    period = dashboard.period_of(plan, "")
    for key, expected in (("owner", 2), ("district_a", 3)):
        user = world.users[key]
        cache.clear()
        reference_names()
        user.scope  # noqa: B018
        with django_assert_num_queries(expected):
            figures = dashboard.target_figures(user=user, plan=plan, period=period)
        if key == "district_a":
            assert figures[0].series[1]["data"] == [5, 5]
