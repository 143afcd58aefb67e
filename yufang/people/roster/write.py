"""Writing a checked roster's people: new people in bulk (COPY on PostgreSQL), and each valid
row's person for the list the roster is for."""

from django.db import connection
from django.utils import timezone

from yufang.accounts.models import Organisation
from yufang.people.models import Person

from .rows import Checked, RosterTarget
from .stage import STAGE

PERSON_COLUMNS = (
    "created_at",
    "updated_at",
    "id_number",
    "id_hash",
    "name",
    "sex",
    "birth_date",
    "phone",
    "enterprise_id",
    "industry_id",
    "region_id",
    "position_id",
)


def write_people(checked: Checked, target: RosterTarget) -> None:
    """Creates the rows' new people (a person someone else registered meanwhile is left as it
    is). Call inside the import's transaction, on the connection that checked the file."""
    now = timezone.now()
    if checked.staged:
        skip = [*checked.mismatched, *checked.skipped, *checked.refused]
        with connection.cursor() as cursor:
            if skip:
                cursor.execute(f"DELETE FROM {STAGE} WHERE row = ANY(%s)", [skip])
            cursor.execute(
                f"INSERT INTO {Person._meta.db_table} ({', '.join(PERSON_COLUMNS)}) "
                f"SELECT %s, %s, s.id_number, s.id_hash, s.name, s.sex, s.birth_date, s.phone, s.enterprise_id, "
                f"s.industry_id, o.region_id, s.position_id FROM {STAGE} s "
                f"LEFT JOIN {Organisation._meta.db_table} o ON o.id = s.enterprise_id "
                "ON CONFLICT (id_hash) DO NOTHING",
                [now, now],
            )
        return
    enterprises = {r.enterprise_id for r in checked.new if r.enterprise_id}
    regions = dict(Organisation.objects.filter(pk__in=enterprises).values_list("pk", "region_id"))
    Person.objects.bulk_create(
        [
            Person(
                created_at=now,
                updated_at=now,
                id_number=r.id_number,
                id_hash=r.id_hash,
                name=r.name,
                sex=r.sex,
                birth_date=r.birth_date,
                phone=r.phone,
                enterprise_id=r.enterprise_id,
                industry_id=r.industry_id,  # the row's own: never the session's or the enterprise's
                region_id=regions.get(r.enterprise_id),
                position_id=r.position_id,
            )
            for r in checked.new
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )


def rows_to_people(checked: Checked) -> dict[int, int]:
    """Row number -> person id of every row to put on the list (after write_people)."""
    rows = {k.row: k.person_id for k in checked.known}
    hashes = [r.id_hash for r in checked.new]
    by_hash: dict[str, int] = {}
    for start in range(0, len(hashes), 5000):
        by_hash.update(Person.objects.filter(id_hash__in=hashes[start : start + 5000]).values_list("id_hash", "pk"))
    rows.update((r.row, by_hash[r.id_hash]) for r in checked.new)
    return dict(sorted(rows.items()))
