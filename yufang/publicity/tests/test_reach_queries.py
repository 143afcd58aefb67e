"""The reach pages read the same number of queries for three times as many records."""

import itertools

import pytest
from django.urls import reverse

from yufang.core.tests.queries import assert_flat, listed, page_reader

from ..distribution import distribution_transition
from ..pushes import push_delivery_import
from ..viewcounts import view_reading_add
from .factories import make_video
from .reach_factories import DAY, distribute, make_material, make_push, reach_project

counter = itertools.count()


@pytest.fixture
def project(world):
    return reach_project(world, "a")


def test_the_plan_reach_page(world, project):
    provider = world.users["provider_a"]
    region = world.orgs["district_a"].region

    def build(n):
        for _ in range(n):
            i = next(counter)
            video = make_video(world, project, title=f"视频{i}")
            view_reading_add(deliverable=video, platform="抖音", read_on=DAY, views=10 + i, actor=provider)
            push = make_push(world, project, title=f"推送{i}")
            row = {"row": 2, "sent_on": "2023-10-12", "region_id": region.pk, "industry_id": None}
            push_delivery_import(
                deliverable=push, rows=[{**row, "sent": 9, "delivered": 8, "opened": 1}], actor=provider
            )
            material = make_material(world, project, title=f"资料{i}")
            x = distribute(world, material, quantity=5)
            distribution_transition(distribution=x, action="confirm", actor=world.users["district_a"])

    assert_flat(
        build=build,
        evaluate=page_reader(world.owner, reverse("publicity:plan_reach", args=[project.plan_id])),
        size=lambda r: len(r.context["reach"].videos),
    )


@pytest.mark.parametrize("role", ["agency", "district_a", "provider_a"])
def test_the_distributions_list(world, project, role):
    material = make_material(world, project, ordered=100000, received=100000)
    assert_flat(
        build=lambda n: [distribute(world, material, quantity=1, salt=str(next(counter)).encode()) for _ in range(n)],
        evaluate=page_reader(world.users[role], reverse("publicity:distribution_list")),
        size=listed,
    )


def test_a_print_runs_page_with_its_distributions(world, project):
    material = make_material(world, project, ordered=100000, received=100000)
    assert_flat(
        build=lambda n: [distribute(world, material, quantity=1, salt=str(next(counter)).encode()) for _ in range(n)],
        evaluate=page_reader(world.users["provider_a"], reverse("publicity:reach", args=[material.pk])),
        size=lambda r: len(r.context["distributions"]),
    )
