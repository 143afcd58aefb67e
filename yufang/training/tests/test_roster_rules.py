"""Rosters as people really write them: one test per behaviour, each on a small generated file."""

import io

import pytest

from yufang.people.roster import NOT_MOBILE, OLD_ID
from yufang.people.services import person_upsert
from yufang.training.roster import roster_check

from .factories import HEADER, make_session, people_rows, xlsx

pytestmark = pytest.mark.django_db


def _check(world, rows, session=None, header=HEADER):
    return roster_check(io.BytesIO(xlsx(rows, header=header)), "花名册.xlsx", session or make_session(world))


def _errors(checked) -> dict[int, list[str]]:
    return {e["row"]: e["errors"] for e in checked.errors}


def test_names_beyond_the_basic_plane_and_with_any_middle_dot_are_valid(world):
    rows = people_rows(6)
    names = ["𠮷野家", "阿依古丽·买买提", "阿依古丽•买买提", "阿依古丽・买买提", "阿依古丽‧买买提", "张𪚥"]
    for row, name in zip(rows, names, strict=True):
        row[1] = name
    checked = _check(world, rows)
    assert checked.errors == [] and checked.valid == 6
    assert {r[3] for r in checked.new} == {"𠮷野家", "阿依古丽·买买提", "张𪚥"}


def test_mobiles_with_country_code_and_punctuation_are_normalised(world):
    rows = people_rows(5)
    for row, phone in zip(
        rows,
        ["+86 139-1234-5678", "86 13912345678", "(+86)139 1234 5678", "0086-13912345678", "139.1234.5678"],
        strict=True,
    ):
        row[3] = phone
    checked = _check(world, rows)
    assert checked.errors == [] and {r[6] for r in checked.new} == {"13912345678"}


def test_a_landline_is_refused_as_not_a_mobile(world):
    rows = people_rows(3)
    rows[0][3], rows[1][3], rows[2][3] = "0533-2181234", "05332181234", "(0533)2181234转8001"
    errors = _errors(_check(world, rows))
    assert errors == {4: [NOT_MOBILE], 5: [NOT_MOBILE], 6: [NOT_MOBILE]}
    assert "11 位数字" not in NOT_MOBILE


def test_invisible_characters_in_an_id_number_are_stripped(world):
    rows = people_rows(3)
    rows[0][2] = "\ufeff" + rows[0][2]
    rows[1][2] = rows[1][2][:6] + "\u200b" + rows[1][2][6:]
    rows[2][2] = rows[2][2][:9] + "\u2060\u200d" + rows[2][2][9:]
    checked = _check(world, rows)
    assert checked.errors == [] and checked.valid == 3


def test_a_15_digit_id_number_asks_for_the_18_digit_one(world):
    rows = people_rows(2)
    rows[0][2] = "370303800101001"
    rows[1][2] = 370303800101002  # as a number: exactly what the cell holds
    errors = _errors(_check(world, rows))
    assert errors == {4: [OLD_ID], 5: [OLD_ID]}


def test_the_same_id_with_two_names_says_the_names_differ(world):
    rows = people_rows(2)
    twin = list(rows[0])
    twin[1] = "王小明"
    checked = _check(world, [*rows, twin])
    assert "姓名不同" in _errors(checked)[6][0] and "冒用" in _errors(checked)[6][0]


def test_the_same_id_with_another_name_in_the_archive_says_the_names_differ(world):
    rows = people_rows(1)
    person_upsert(actor=world.owner, id_number=rows[0][2], name="王小明")
    errors = _errors(_check(world, rows))
    assert "姓名不同" in errors[4][0]


def test_totals_notes_and_numbered_empty_rows_are_skipped_with_a_note(world):
    rows = [
        *people_rows(2),
        [3, None, None, None, None, None],
        [4],
        ["合计", None, None, None, None, None],
        [None, "合计：2 人", None, None, None, None],
        ["注：身份证号须为 18 位，本表由单位负责人核对后盖章报送。"],
        [None, "填表人：李四", None],
        [12, "李四", None, None, *people_rows(1)[0][4:]],
    ]
    checked = _check(world, rows)
    assert checked.valid == 2 and checked.total == 3
    notes = {n["row"]: n["note"] for n in checked.notes}
    assert notes == {
        6: "只有序号的空行，已跳过",
        7: "只有序号的空行，已跳过",
        8: "合计行，已跳过",
        9: "合计行，已跳过",
        10: "表格下方的说明文字，已跳过",
        11: "表格下方的说明文字，已跳过",
    }
    # A row with a name but no ID number is still a person with a missing ID.
    assert _errors(checked) == {12: ["身份证号为空"]}


def test_positions_and_industries_map_through_the_synonym_table_and_unknown_ones_get_closest_matches(world):
    from yufang.reference.models import Industry, Position, Synonym

    rows = people_rows(5)
    for row, position, industry in zip(
        rows, ["班长", "骑手", "组长", "安全员", "车间主任"], ["危化", "建筑", "制造业", "危化", "危化"], strict=True
    ):
        row[5], row[6] = position, industry
    session = make_session(world)
    checked = _check(world, rows, session)
    by_row = {r[0]: r for r in checked.new}
    positions = dict(Position.objects.values_list("pk", "code"))
    industries = dict(Industry.objects.values_list("pk", "code"))
    assert positions[by_row[4][8]] == "team_leader" and industries[by_row[4][9]] == "hazchem"
    assert positions[by_row[5][8]] == "worker" and industries[by_row[5][9]] == "construction"
    assert positions[by_row[7][8]] == "worker"  # a 安全员 is not the head of the safety department
    # In a real-name roster an unmapped value refuses the row, with the closest names.
    errors = _errors(checked)
    assert set(by_row) == {4, 5, 7}
    assert "行业「制造业」不在平台的行业名录" in errors[6][0] and "最接近的是" in errors[6][0]
    assert "本行不导入" in errors[6][0]
    assert "岗位「车间主任」" in errors[8][0]
    # The owner adds a same-meaning word; the next check maps it.
    Synonym.objects.create(text="车间主任", position=Position.objects.get(code="team_leader"))
    assert _check(world, rows, session).new[-1][8] == Position.objects.get(code="team_leader").pk


def test_a_new_person_never_takes_the_sessions_industry(world):
    from yufang.people.models import Person
    from yufang.reference.models import Industry

    from .factories import import_roster

    session = make_session(world, industry="hazchem")
    rows = people_rows(2)
    rows[0][6] = "建筑"
    rows[1][6] = ""  # no industry: refused, never completed with the session's
    checked = import_roster(world, session, rows)
    assert Person.objects.get().industry == Industry.objects.get(code="construction")
    assert _errors(checked) == {5: ["行业为空：实名制花名册每行须写明行业"]}


def test_a_real_name_roster_refuses_a_row_without_employer_industry_or_position(world):
    """分类分岗实名制: employer, industry and position are required; the employer is identified by a
    valid credit code on file or its exact registered name. Each refusal names the field."""
    from yufang.demo.credit_codes import demo_credit_code

    rows = people_rows(10)
    rows[1][4] = rows[1][7] = ""  # no employer at all
    rows[2][5] = ""  # no position
    rows[3][6] = None  # no industry
    rows[4][4], rows[4][7] = "某某不存在的公司", demo_credit_code("某某不存在的公司")  # valid code, not on file
    rows[5][7] = ""  # exact registered name, no code: identified
    rows[6][4] = "企业A"  # code on file, a name written differently: identified by the code
    rows[7][7] = demo_credit_code("测试企业b")  # code of another enterprise than the name
    rows[8][7] = rows[8][7][:17] + ("0" if rows[8][7][17] != "0" else "1")  # invalid code
    del rows[9][5:]  # a short row: position, industry and code cells missing
    checked = _check(world, rows)
    errors = _errors(checked)
    assert errors == {
        5: ["工作单位为空：每行须写明单位名称或统一社会信用代码"],
        6: ["岗位为空：实名制花名册每行须写明岗位"],
        7: ["行业为空：实名制花名册每行须写明行业"],
        8: [
            "单位「某某不存在的公司」不在平台的企业名录中：请填写已登记企业的统一社会信用代码或与登记完全一致的单位名称"
        ],
        11: [f"统一社会信用代码「{rows[7][7]}」与单位名称「测试企业a」是平台上的两家不同企业，请核对"],
        12: [f"统一社会信用代码「{rows[8][7]}」无效"],
        13: ["岗位为空：实名制花名册每行须写明岗位", "行业为空：实名制花名册每行须写明行业"],
    }
    enterprise = world.orgs["enterprise_a"].pk
    assert sorted(r[0] for r in checked.new) == [4, 9, 10]
    assert all(r[7] == enterprise and r[8] and r[9] for r in checked.new)
    assert checked.warnings == []


def test_a_real_name_roster_needs_industry_and_position_columns(world):
    from yufang.core.jobs import JobFailed

    header = [h for h in HEADER if h not in ("岗位", "行业")]
    rows = [[*r[:5], r[7]] for r in people_rows(2)]
    with pytest.raises(JobFailed, match="表头缺少“行业”、“岗位”列"):
        _check(world, rows, header=header)
