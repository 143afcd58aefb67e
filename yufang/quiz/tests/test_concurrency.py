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
