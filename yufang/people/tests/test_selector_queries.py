"""The register of people reads the same number of queries for three times as many people, and a
person's archive for three times as many records in it."""

import datetime

from django.urls import reverse

from yufang.core.tests.queries import assert_flat, listed, page_reader
from yufang.people.selectors import person_archive, person_list
from yufang.projects.tests.factories import make_project
from yufang.targets.models import Mode
from yufang.targets.tests.factories import complete, make_batch, make_people
from yufang.training.tests.factories import attend_and_close, make_session


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


def _archive(world):
    """One person whose archive grows by n sessions per call (rostered, present throughout, the
    session closed: an attendance, a roster entry and an offline completion each) and n historic
    completions (a batch of its own each)."""
    person = make_people(world.owner, world.orgs["enterprise_a"], 1, industry="hazchem", positions=["worker"])[0]
    project = make_project(world, side="a")
    made = [0]

    def build(n):
        for _ in range(n):
            i = made[0]
            made[0] += 1
            session = make_session(world, project, day=datetime.date(2023, 9, 1 + i), topic=f"场次{i}")
            attend_and_close(world, session, [person])
            complete(
                world.owner,
                [person],
                mode=Mode.OFFLINE,
                day=datetime.date(2015 + i, 6, 1),
                source=make_batch(world.owner, f"历史批次{i}", 2015 + i),
            )

    return person, build


def _shown(archive) -> int:
    return len(archive.completions) + len(archive.attendances) + len(archive.rosters)


def test_person_archive_with_what_its_page_shows(world):
    person, build = _archive(world)

    def read():
        archive = person_archive(user=world.users["district_a"], person=person)
        shown = [
            (c.year, c.get_mode_display(), c.completed_on, str(c.provider), c.historic, c.source_repr)
            for c in archive.completions
        ]
        shown += [
            (str(a.session), str(a.session.project.provider), a.signed_in_at, a.get_in_method_display(), a.minutes)
            + (a.signed_out_at, a.completed)
            for a in archive.attendances
        ]
        shown += [(str(r.session), str(r.session.project.provider)) for r in archive.rosters]
        assert len(shown) == _shown(archive)
        return archive

    assert assert_flat(build=build, evaluate=read, size=_shown) > 0


def test_person_archive_page(world):
    person, build = _archive(world)
    url = reverse("people:detail", args=[person.pk])
    for key in ("owner", "district_a", "enterprise_a", "provider_a"):
        assert_flat(
            build=build,
            evaluate=page_reader(world.users[key], url),
            size=lambda response: _shown(response.context["archive"]),
        )
