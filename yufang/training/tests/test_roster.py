import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yufang.core.jobs import JobFailed
from yufang.core.models import AuditLog
from yufang.people.idnumbers import check
from yufang.people.models import Person
from yufang.people.services import person_upsert
from yufang.targets.tests.factories import id_number
from yufang.training import services
from yufang.training.models import Flag, FlagKind, RosterEntry
from yufang.training.roster import roster_check

from .factories import HEADER, import_roster, make_session, people_rows, xlsx

pytestmark = pytest.mark.django_db


def _check(session, content, name="花名册.xlsx"):
    return roster_check(io.BytesIO(content), name, session)


def test_messy_roster_is_reported_row_by_row(world):
    session = make_session(world)
    good = people_rows(3)
    known = people_rows(1, start=50)[0]
    person_upsert(actor=world.owner, id_number=known[2], name=known[1])
    fullwidth = people_rows(1, start=60)[0]
    fullwidth[1] = " " + fullwidth[1][0] + "　" + fullwidth[1][1:] + " "
    fullwidth[2] = "".join(chr(ord(c) + 0xFEE0) for c in fullwidth[2])  # full-width digits
    numeric = people_rows(1, start=70)[0]
    numeric[2] = float(numeric[2][:15] + "000")
    bad_check = people_rows(1, start=80)[0]
    bad_check[2] = bad_check[2][:17] + ("0" if bad_check[2][17] != "0" else "1")
    duplicate = list(good[1])
    old = people_rows(1, start=90, year=1950)[0]
    rows = [
        *good,
        known,
        fullwidth,
        numeric,
        bad_check,
        duplicate,
        ["", "", "", "", "", ""],
        old,
        [99, "张三", "", "13900000000", *people_rows(1)[0][4:]],
    ]
    result = _check(session, xlsx(rows))
    assert result.header_row == 3
    assert result.total == 10  # 11 rows under the header, the blank one skipped
    assert result.valid == 6 and len(result.known) == 1 and len(result.new) == 5
    errors = {e["row"]: e["errors"] for e in result.errors}
    assert "被表格保存成了数字" in errors[9][0]
    assert "校验位不正确" in errors[10][0]
    assert errors[11] == ["与第 5 行为同一人（身份证号相同）"]
    assert errors[14] == ["身份证号为空"]
    assert result.duplicates == [{"row": 11, "first_row": 5, "id": result.duplicates[0]["id"]}]
    assert "*" in result.duplicates[0]["id"]  # masked in the report
    assert [a[0] for a in result.ages] == [13]
    assert Person.objects.count() == 1  # checking writes nothing


def test_confirm_writes_valid_rows_and_flags_in_one_go(world):
    session = make_session(world)
    rows = people_rows(5)
    rows.append(list(rows[0]))
    bad = people_rows(1, start=20)[0]
    bad[2] = bad[2][:10]
    rows.append(bad)
    checked = import_roster(world, session, rows)
    assert RosterEntry.objects.filter(session=session).count() == 5
    assert Person.objects.count() == 5
    kinds = set(Flag.objects.filter(session=session).values_list("kind", flat=True))
    assert kinds == {FlagKind.DUPLICATE_ID, FlagKind.INVALID_ID}
    log = AuditLog.objects.for_object(session).get(event="roster_import")
    assert log.extra["added"] == 5 and log.extra["errors"] == 2
    # The same people again: nothing new, reported as already on the roster.
    again = import_roster(world, session, rows[:5])
    assert again.already == 5 and RosterEntry.objects.filter(session=session).count() == 5
    assert checked.error_count == 2


def test_header_not_found_and_numeric_file(world):
    session = make_session(world)
    with pytest.raises(JobFailed, match="没有找到表头"):
        _check(session, xlsx(people_rows(2), header=["a", "b", "c", "d", "e", "f"]))


def test_gbk_csv_with_fullwidth_header(world):
    session = make_session(world)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["培训人员花名册"])
    writer.writerow(["姓　名", "身份证号码", "联系电话", "单位名称", "岗　位", "行业", "统一社会信用代码"])
    for r in people_rows(3):
        writer.writerow([r[1], r[2], r[3], r[4], r[5], r[6], r[7]])
    result = _check(session, buffer.getvalue().encode("gbk"), "名单.csv")
    assert result.header_row == 2 and result.valid == 3 and not result.errors


def test_name_mismatch_with_known_person_is_an_error(world):
    session = make_session(world)
    import_roster(world, session, people_rows(1))
    other = make_session(world, session.project, day=datetime.date(2023, 9, 13))
    row = people_rows(1)[0]
    row[1] = "李四"
    result = _check(other, xlsx([row]))
    assert result.errors[0]["errors"] == [
        "姓名与平台已登记的该身份证号人员的姓名不同：请核对是否录错姓名或冒用他人身份证号"
    ]


def test_only_the_sessions_provider_imports(world):
    session = make_session(world)
    checked = _check(session, xlsx(people_rows(2)))
    with pytest.raises(PermissionDenied):
        services.roster_apply(session=session, checked=checked, actor=world.users["provider_b"])
    with pytest.raises(PermissionDenied):
        services.roster_apply(session=session, checked=checked, actor=world.users["agency"])
    assert not RosterEntry.objects.exists()


def test_overlapping_roster_is_flagged(world):
    first = make_session(world)
    second = make_session(world, first.project, start=10, end=16, topic="另一场")
    import_roster(world, first, people_rows(2))
    import_roster(world, second, people_rows(1))
    assert Flag.objects.filter(kind=FlagKind.OVERLAP, session=second).count() == 1
    assert Flag.objects.filter(kind=FlagKind.OVERLAP, session=first).count() == 1


def test_inlined_id_rules_agree_with_idnumbers_check(world):
    """The importer inlines idnumbers.check for speed; both must give the same verdict."""
    session = make_session(world)
    base = id_number("370303", datetime.date(1985, 6, 1), 7)
    samples = [
        base,
        base.lower(),
        base[:17] + "0",
        base[:17] + "X",
        "37030319850231001X",
        base[:16],
        "",
        "3703031985060100" + "7" + "A",
        "1.2E+17",
        base + "0",
    ]
    rows = [[i, "王五", s, "", *people_rows(1)[0][4:]] for i, s in enumerate(samples)]
    result = _check(session, xlsx(rows))
    # Judge the number alone: a repeated valid number is refused as a duplicate, not as invalid.
    bad_rows = {e["row"] for e in result.errors if not e["errors"][0].startswith("与第")}
    for offset, sample in enumerate(samples):
        try:
            check(sample)
            ok = True
        except ValidationError:
            ok = False
        number = 4 + offset
        if sample == "":
            continue  # an empty row is skipped only when the whole row is empty
        assert ok == (number not in bad_rows), sample


def test_a_header_in_other_usual_words_in_another_order_is_read(world):
    """Rosters come from many offices: the columns are recognised by any of their usual names,
    in any order, and a roster without the ID-number column is refused naming it."""
    session = make_session(world)
    header = ["统一社会信用代码", "所属行业", "工作岗位", "企业名称", "联系电话", "公民身份号码", "学员姓名", "序号"]
    rows = [list(reversed(r)) for r in people_rows(3)]
    result = _check(session, xlsx(rows, header=header))
    assert result.valid == 3 and not result.errors
    without_ids = [h for h in HEADER if h != "身份证号"]
    with pytest.raises(JobFailed, match="身份证号"):
        _check(session, xlsx([[c for i, c in enumerate(r) if i != 2] for r in people_rows(2)], header=without_ids))
