"""An offline session's roster (培训花名册) through the shared roster importer (people.roster):
the session as the importer's target, and writing the checked rows' people onto its roster."""

from collections.abc import Callable
from typing import BinaryIO

from django.db import connection
from django.utils import timezone

from yufang.people.models import Person
from yufang.people.roster import Checked, RosterTarget, drop_stage, rows_to_people, write_people
from yufang.people.roster import roster_check as check_rows
from yufang.people.roster.stage import STAGE

from .models import RosterEntry, TrainingSession


def session_target(session: TrainingSession) -> RosterTarget:
    return RosterTarget(
        city_id=session.project.plan.city_id,
        day=session.day,
        industry_id=session.industry_id,
        real_name=True,
        on_list=lambda ids: (
            set(ids) & set(RosterEntry.objects.filter(session=session).values_list("person_id", flat=True))
        ),
    )


def roster_check(
    file: BinaryIO,
    filename: str,
    session: TrainingSession,
    progress: Callable[[int, int], None] | None = None,
) -> Checked:
    """people.roster.roster_check against the session's roster (a real-name roster)."""
    return check_rows(file, filename, session_target(session), progress=progress)


def write_people_and_roster(checked: Checked, session: TrainingSession) -> int:
    """Creates the new people and puts every valid row's person on the session's roster.
    Returns how many were added."""
    target = session_target(session)
    write_people(checked, target)
    now = timezone.now()
    if checked.staged:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {RosterEntry._meta.db_table} (session_id, person_id, row_number, added_at) "
                f"SELECT %s, p.id, s.row, %s FROM {STAGE} s JOIN {Person._meta.db_table} p ON p.id_hash = s.id_hash "
                f"ON CONFLICT (session_id, person_id) DO NOTHING",
                [session.pk, now],
            )
            added = cursor.rowcount
        drop_stage(checked)
        return added
    rows = rows_to_people(checked)
    RosterEntry.objects.bulk_create(
        [RosterEntry(session_id=session.pk, person_id=p, row_number=r) for r, p in rows.items()],
        batch_size=2000,
    )
    return len(rows)
