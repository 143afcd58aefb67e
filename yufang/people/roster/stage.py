"""The temporary table valid rows wait in on PostgreSQL between the check and the write, and
the people already on file among them."""

from django.db import connection

from yufang.people.models import Person

from .rows import Checked, RosterRow

STAGE = "roster_stage"
STAGE_COLUMNS = (
    "row",
    "id_number",
    "id_hash",
    "name",
    "sex",
    "birth_date",
    "phone",
    "enterprise_id",
    "position_id",
    "industry_id",
)


class _Stage:
    """On PostgreSQL the valid rows go into a temporary table in chunks while the loop still
    runs, so the database takes them in on its own core; matching known people and writing are
    then set operations. Elsewhere the rows stay in Python.

    Each chunk is one COPY, finished before the loop goes on: between chunks the connection is
    free, so whatever the caller does there (writing the job's progress) never meets an open
    COPY on the same connection, which would block for ever."""

    CHUNK = 5000

    def __init__(self):
        self.enabled = connection.vendor == "postgresql"
        self._cursor = None
        self._rows: list[RosterRow] = []

    def __enter__(self):
        if self.enabled:
            self._cursor = connection.cursor()
            self._cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            self._cursor.execute(
                f"CREATE TEMP TABLE {STAGE} (row integer PRIMARY KEY, id_number varchar(18), id_hash varchar(64), "
                "name varchar(50), sex varchar(1), birth_date date, phone varchar(20), enterprise_id bigint, "
                "position_id bigint, industry_id bigint)"
            )
        return self

    def write(self, row: RosterRow) -> None:
        if self.enabled:
            self._rows.append(row)
            if len(self._rows) >= self.CHUNK:
                self.flush()

    def flush(self) -> None:
        if self._rows:
            with self._cursor.cursor.copy(f"COPY {STAGE} ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
                for row in self._rows:
                    copy.write_row(row)
            self._rows.clear()

    def __exit__(self, exc_type, *exc):
        if self._cursor is not None:
            if exc_type is None:
                self.flush()
            self._cursor.close()
        return False


def _known(pending: list[RosterRow], staged: bool) -> dict[str, tuple[int, str]]:
    """People already on file among the rows, by keyed hash: id_hash -> (person id, name)."""
    if staged:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.id_hash, p.id, p.name FROM {STAGE} s JOIN {Person._meta.db_table} p ON p.id_hash = s.id_hash"
            )
            return {h: (pk, name) for h, pk, name in cursor.fetchall()}
    known: dict[str, tuple[int, str]] = {}
    hashes = [row.id_hash for row in pending]
    for start in range(0, len(hashes), 5000):
        for pk, h, pname in Person.objects.filter(id_hash__in=hashes[start : start + 5000]).values_list(
            "pk", "id_hash", "name"
        ):
            known[h] = (pk, pname)
    return known


def drop_stage(checked: Checked) -> None:
    if checked.staged:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
