"""The leaders' pages read the same number of queries for three times as many records."""

from django.urls import reverse

from yufang.core.tests.queries import assert_flat, listed, page_reader, queries_of
from yufang.insight.models import Briefing
from yufang.insight.services import briefing_store
from yufang.plans.tests.factories import make_plan

from .factories import EnterpriseBuilder, refresh_effect

URL = reverse("insight:effect") + "?year=2023&threshold=10"


def _enterprises(response) -> int:
    return response.context["effect"].counts["enterprises"]


def test_effect_page(world):
    """The page reads what the background refresh stored: the same queries for three times as
    many enterprises, for the city and for a district, and never the completions."""
    enterprises = EnterpriseBuilder(world)

    def build(n):
        enterprises(n)
        refresh_effect(world)

    for key in ("owner", "district_a"):
        read = page_reader(world.users[key], URL)
        assert_flat(build=build, evaluate=read, size=_enterprises)
        queries, _ = queries_of(read)
        assert not any("targets_completion" in q and "COUNT" in q.upper() for q in queries)


def test_years_page(world):
    """Plans, their targets and enterprises' statistics grow; the queries do not."""
    from yufang.plans.tests.factories import make_plan

    from .test_years import _target

    made = []
    enterprises = EnterpriseBuilder(world)

    def build(n):
        for _ in range(n):
            plan = make_plan(world, year=2015 + len(made))
            _target(world, plan)
            _target(world, plan, name=f"线下{len(made)}", threshold=5)
            made.append(plan)
        enterprises(n)

    url = reverse("insight:years")
    for key in ("owner", "district_a"):
        assert_flat(
            build=build, evaluate=page_reader(world.users[key], url), size=lambda r: len(r.context["table"].columns)
        )


def test_briefings_archive(world):
    """The archive reads the same queries for three times as many briefings."""
    plan = make_plan(world)
    made = []

    def build(n):
        for _ in range(n):
            month = len(made) + 1
            for region in (None, world.orgs["district_a"].region):
                made.append(
                    briefing_store(
                        year=2023,
                        month=month,
                        region=region,
                        plan=plan,
                        figures={},
                        summary="简报",
                        content=b"%PDF-1.4",
                        actor=world.users["owner"],
                    )
                )

    url = reverse("insight:briefings")
    for key in ("owner", "district_a"):
        made.clear()
        Briefing.objects.all().delete()
        assert_flat(build=build, evaluate=page_reader(world.users[key], url), size=listed)
