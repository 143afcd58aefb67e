"""The completions list reads the same number of queries for three times as many completions,
whichever batch or session each came from."""

import datetime

from django.urls import reverse

from yufang.core.tests.queries import assert_flat, listed, page_reader
from yufang.targets.models import Mode
from yufang.targets.selectors import completion_list

from .factories import complete, make_batch, make_people


def _completions(world):
    made = [0]

    def build(n):
        for _ in range(n):
            i = made[0]
            made[0] += 1
            people = make_people(
                world.owner, world.orgs["enterprise_a"], 1, industry="hazchem", positions=["worker"], start=500 + i
            )
            complete(
                world.owner,
                people,
                mode=Mode.OFFLINE,
                day=datetime.date(2022, 5, 1 + i),
                source=make_batch(world.owner, f"历史批次{i}", 2022),
            )

    return build


def test_completion_list_with_what_its_page_shows(world):
    def read():
        return [
            (
                c.person.name,
                c.year,
                c.get_mode_display(),
                str(c.enterprise),
                str(c.region),
                str(c.provider),
                c.source_repr,
            )
            for c in completion_list(user=world.users["district_a"])
        ]

    assert_flat(build=_completions(world), evaluate=read)


def test_completions_page(world):
    build = _completions(world)
    for key in ("agency", "district_a", "enterprise_a"):
        assert_flat(build=build, evaluate=page_reader(world.users[key], reverse("targets:completions")), size=listed)
