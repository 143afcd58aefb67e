"""The deliverables list, a deliverable's page and the plan's publicity page read the same number
of queries for three times as many rows."""

from decimal import Decimal

import pytest
from django.urls import reverse

from yufang.core.tests.queries import assert_flat, listed, page_reader

from .. import services
from .factories import photo, plan_quantities, publicity_project, submitted_video


@pytest.fixture
def project(world):
    project = publicity_project(world, "a")
    plan_quantities(world, project, short_video=50)
    return project


@pytest.fixture
def build(world, project):
    count = [0]

    def make(n):
        for _ in range(n):
            i = count[0]
            count[0] += 1
            d = submitted_video(world, project, title=f"视频{i}", salt=str(i).encode())
            if i % 2:
                services.deliverable_transition(deliverable=d, action="accept", actor=world.users["agency"])

    return make


@pytest.mark.parametrize("role", ["agency", "district_a", "provider_a"])
def test_the_deliverables_list(world, build, role):
    assert_flat(build=build, evaluate=page_reader(world.users[role], reverse("publicity:list")), size=listed)


def test_the_plan_page(world, project, build):

    def more_projects(n):
        build(n)
        for _ in range(n):
            extra = publicity_project(world, "a", price=Decimal("5000.00"))
            plan_quantities(world, extra, short_video=4)

    assert_flat(
        build=more_projects,
        evaluate=page_reader(world.owner, reverse("publicity:plan", args=[project.plan_id])),
        size=listed,
    )


def test_a_deliverables_page_with_its_evidence(world, project):
    d = submitted_video(world, project, title="多佐证")
    services.deliverable_transition(deliverable=d, action="return", actor=world.users["agency"], note="补充")

    def add(n):
        for i in range(n):
            services.evidence_add(
                deliverable=d,
                file=photo(f"{i}.jpg", salt=f"{d.pk}-{i}-{add.n}".encode()),
                actor=world.users["provider_a"],
            )
            add.n += 1

    add.n = 0
    assert_flat(
        build=add,
        evaluate=page_reader(world.users["agency"], d.get_absolute_url()),
        size=lambda r: len(r.context["evidence"]),
    )
