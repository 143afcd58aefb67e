"""On PostgreSQL: the same paper submitted from two phones at the same moment is scored once,
and the same ID joining from two phones at once is one participant."""

import threading

import pytest
from django.db import connection

from .. import services
from ..models import Participant
from .factories import an_id, join, make_competition, right_answers

pytestmark = pytest.mark.django_db(transaction=True)


def _together(n, work):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        from django.db import connections

        try:
            barrier.wait()
            results.append(work())
        except Exception as e:  # noqa: BLE001 - the test reports what any thread raised
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


@pytest.fixture
def _postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writes anyway")


@pytest.mark.usefixtures("_postgres")
def test_a_double_submission_is_scored_once(world):
    from django.apps import apps

    from yufang.publicity.defaults import load_default_kinds

    load_default_kinds(apps)
    c = make_competition(world)
    paper = services.paper_draw(participant=join(world, c, 1))
    answers = right_answers(paper)
    results = _together(4, lambda: services.paper_submit(token=paper.token, answers=answers))
    assert sorted(replay for _, replay in results) == [False, True, True, True]
    assert {p.score for p, _ in results} == {100}
    assert Participant.objects.get().papers == 1


@pytest.mark.usefixtures("_postgres")
def test_the_same_id_joining_at_once_is_one_participant(world):
    from django.apps import apps

    from yufang.publicity.defaults import load_default_kinds

    load_default_kinds(apps)
    c = make_competition(world)
    credit = world.orgs["enterprise_a"].credit_code
    results = _together(
        4,
        lambda: services.participant_join(
            competition=c, name="王小明", id_number=an_id(5), phone="13812345678", credit_code=credit
        ),
    )
    assert len({p.pk for p in results}) == 1 and Participant.objects.count() == 1


@pytest.mark.usefixtures("_postgres")
def test_draws_at_once_by_one_participant_are_one_paper(world):
    """The hot path holds no lock: the next paper number is taken by compare-and-set on the
    (participant, number) key, and the losers read again and find the winner's open paper."""
    from django.apps import apps

    from yufang.publicity.defaults import load_default_kinds

    from .. import hotpath
    from ..models import Paper

    load_default_kinds(apps)
    c = make_competition(world)
    key = join(world, c, 2).key
    results = _together(4, lambda: hotpath.draw(participant_key=key))
    assert len({r.paper.token for r in results}) == 1 and Paper.objects.count() == 1
    assert sorted(r.new for r in results) == [False, False, False, True]


@pytest.mark.usefixtures("_postgres")
def test_two_papers_of_one_person_submitted_at_once_count_the_better(world):
    """The counted result is chosen by the database on the row as it stands, so two papers of
    the same person submitted at the same moment cannot overwrite each other's result."""
    import datetime

    from django.apps import apps
    from django.utils import timezone

    from yufang.publicity.defaults import load_default_kinds

    from ..selectors import boards_recount

    load_default_kinds(apps)
    c = make_competition(world, attempts_per_day=2)
    p = join(world, c, 3)
    now = timezone.now()
    a = services.paper_draw(participant=p, now=now)
    b = services.paper_draw(participant=p, now=now + datetime.timedelta(minutes=6))  # a's time is up
    sheets = iter([(a, {}), (b, right_answers(b))])
    at = now + datetime.timedelta(minutes=7)  # a is late by then, b within its time
    results = _together(2, lambda: services.paper_submit(token=(s := next(sheets))[0].token, answers=s[1], now=at))
    assert sorted(paper.score for paper, _ in results) == [0, 100]
    p.refresh_from_db()
    assert (p.papers, p.score) == (2, 100) and boards_recount(c) == []
