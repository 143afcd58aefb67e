"""Sessions, their rosters and attendance boards, fraud flags and the calendar read the same
number of queries for three times as many rows."""

import datetime

import pytest
from django.urls import reverse

from yufang.core.tests.queries import assert_flat, listed, page_reader
from yufang.projects.tests.factories import make_project
from yufang.training import selectors
from yufang.training.models import TrainingSession

from .factories import import_roster, make_session, people_rows


@pytest.fixture
def project(world):
    return make_project(world, side="a")


@pytest.fixture
def sessions(world, project):
    """Each call adds n sessions of the project in September 2023, each with a roster of two
    people of working age and one past it (a flag)."""
    count = [0]

    def build(n):
        for _ in range(n):
            i = count[0]
            count[0] += 1
            session = make_session(world, project, day=datetime.date(2023, 9, 1 + i), topic=f"场次{i}")
            import_roster(world, session, people_rows(2, start=10 * i) + people_rows(1, start=10 * i + 5, year=1950))

    return build


def test_session_and_flag_selectors_with_what_their_pages_show(world, sessions):
    agency = world.users["agency"]
    reads = {
        "sessions": lambda: [
            (s.topic, s.project.name, s.project.provider.name, str(s.region), str(s.industry), s.get_status_display())
            for s in selectors.session_list(user=agency)
        ],
        "calendar": lambda: [
            (s.topic, s.project.provider.name) for s in selectors.sessions_in_month(user=agency, year=2023, month=9)
        ],
        "flags": lambda: [
            (f.get_kind_display(), f.session.topic, str(f.person), f.get_status_display())
            for f in selectors.flag_list(user=agency)
        ],
    }
    for name, read in reads.items():
        assert assert_flat(build=sessions, evaluate=read) > 0, name


def test_session_and_flag_pages(world, sessions):
    for key in ("agency", "provider_a", "district_a"):
        assert_flat(
            build=sessions, evaluate=page_reader(world.users[key], reverse("training:session_list")), size=listed
        )
    assert_flat(build=sessions, evaluate=page_reader(world.users["agency"], reverse("training:flag_list")), size=listed)
    assert_flat(
        build=sessions,
        evaluate=page_reader(world.users["agency"], reverse("training:calendar") + "?year=2023&month=9"),
        size=lambda _: TrainingSession.objects.count(),
    )


def test_a_sessions_roster_and_board_as_the_roster_grows(world, project):
    session = make_session(world, project)
    rows = people_rows(12)
    taken = [0]

    def build(n):
        taken[0] += n
        import_roster(world, session, rows[: taken[0]])

    provider = world.users["provider_a"]

    def read():
        entries = [
            (e.person.name, e.person.id_masked, str(e.person.enterprise), str(e.person.position))
            for e in selectors.roster_list(user=provider, session=session)
        ]
        signed, missing = selectors.attendance_board(user=provider, session=session)
        board = [(a.person.name, a.get_in_method_display()) for a in signed]
        return entries + board + [(e.person.name, e.person.id_masked) for e in missing]

    assert_flat(build=build, evaluate=read)
    url = reverse("training:session_detail", args=[session.pk])
    assert_flat(build=build, evaluate=page_reader(provider, url), size=lambda _: session.roster.count())
