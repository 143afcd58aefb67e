from django.db import connection
from django.test.utils import CaptureQueriesContext

from yufang.training.models import FlagKind
from yufang.training.selectors import flag_summary

from .factories import import_roster, make_session, people_rows


def test_flag_summary_counts_every_flag_lists_the_first_and_takes_two_queries(world):
    session = make_session(world)
    rows = people_rows(6)
    import_roster(world, session, rows + rows[:4] + people_rows(1, start=80, year=1950))
    agency = type(world.users["agency"]).objects.get(pk=world.users["agency"].pk)
    assert agency.scope  # the user's roles are read once per request, before these
    with CaptureQueriesContext(connection) as ctx:
        groups = flag_summary(user=agency, project=session.project, per_kind=3)
        [(g.kind, g.total, [f.session.topic for f in g.flags]) for g in groups]
    assert len(ctx.captured_queries) == 2, [q["sql"] for q in ctx.captured_queries]
    assert [g.kind for g in groups] == [FlagKind.DUPLICATE_ID, FlagKind.AGE]
    duplicates = groups[0]
    assert duplicates.total == 4 and len(duplicates.flags) == 3 and duplicates.not_listed == 1
    assert duplicates.status_counts == [("待核查", 4), ("已核实为问题", 0), ("已核实无问题", 0)]
    # What a user may not see is neither counted nor listed.
    assert flag_summary(user=world.users["provider_b"], project=session.project) == []
