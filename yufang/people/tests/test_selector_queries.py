"""The register of people reads the same number of queries for three times as many people."""

from django.urls import reverse

from yufang.core.tests.queries import assert_flat, listed, page_reader
from yufang.people.selectors import person_list
from yufang.targets.tests.factories import make_people


def _builder(world):
    made = []

    def build(n):
        for side in ("a", "b"):
            made.extend(
                make_people(
                    world.owner,
                    world.orgs[f"enterprise_{side}"],
                    n,
                    industry="hazchem",
                    positions=["worker", "principal"],
                    start=len(made) + 100,
                )
            )

    return build


def test_person_list_with_what_its_page_shows(world):
    district = world.users["district_a"]

    def read():
        return [
            (p.name, p.id_masked, str(p.enterprise), str(p.position), str(p.industry), str(p.region))
            for p in person_list(user=district)
        ]

    assert assert_flat(build=_builder(world), evaluate=read) == 1


def test_people_page(world):
    build = _builder(world)
    for key in ("owner", "district_a", "enterprise_a"):
        assert_flat(build=build, evaluate=page_reader(world.users[key], reverse("people:list")), size=listed)
