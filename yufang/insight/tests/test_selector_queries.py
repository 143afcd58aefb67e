"""The prevention-effect page reads the same number of queries for three times as many
enterprises, whether it computes the estimate or answers from its cache."""

from django.core.cache import cache
from django.urls import reverse

from yufang.core.tests.queries import assert_flat, page_reader, queries_of

from .factories import EnterpriseBuilder

URL = reverse("insight:effect") + "?year=2023&threshold=10"


def _enterprises(response) -> int:
    return response.context["effect"].counts["enterprises"]


def test_effect_page_computed(world):
    build = EnterpriseBuilder(world)
    for key in ("owner", "district_a"):
        read = page_reader(world.users[key], URL)

        def computed(read=read):
            cache.clear()  # the estimate computed afresh each time, reference names read again
            return read()

        assert_flat(build=build, evaluate=computed, size=_enterprises)
        cache.clear()


def test_effect_page_cached(world):
    """Once computed, a read checks the stamp of the records behind it and nothing more."""
    build = EnterpriseBuilder(world)
    read = page_reader(world.users["agency"], URL)
    counts = []
    for n in (2, 4):
        build(n)
        read()  # computes and caches
        queries, response = queries_of(read)
        counts.append((len(queries), _enterprises(response)))
        assert not any('targets_completion"."enterprise_id' in q for q in queries)
    assert counts[0][0] == counts[1][0] and counts[1][1] > counts[0][1] > 0, counts


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
