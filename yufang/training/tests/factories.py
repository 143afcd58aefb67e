"""Sessions, rosters and attendance through the real services."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from yufang.demo.credit_codes import demo_credit_code
from yufang.projects.tests.factories import make_project
from yufang.reference.models import Industry
from yufang.targets.tests.factories import id_number
from yufang.training import services
from yufang.training.roster import roster_check

# A real-name roster (分行业、分单位、分岗位): employer by name and credit code, position, industry.
HEADER = ["序号", "姓名", "身份证号", "手机号", "工作单位", "岗位", "行业", "统一社会信用代码"]


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def make_session(
    world,
    project=None,
    *,
    side="a",
    kind="centralised",
    day=None,
    start=9,
    end=12,
    capacity=50,
    class_hours="4",
    industry="hazchem",
    **extra,
):
    project = project or make_project(world, side=side)
    day = day or datetime.date(2023, 9, 12)
    return services.session_create(
        project=project,
        data={
            "kind": kind,
            "industry": Industry.objects.get(code=industry),
            "topic": extra.pop("topic", "危险化学品企业工伤预防"),
            "region": world.orgs[f"district_{side}"].region,
            "venue": "张店区人社局培训中心",
            "starts_at": at(day, start),
            "ends_at": at(day, end),
            "class_hours": class_hours,
            "instructors": "王老师",
            "capacity": capacity,
            **extra,
        },
        enterprises=[world.orgs[f"enterprise_{side}"]],
        actor=world.users[f"provider_{side}"],
    )


def people_rows(n: int, *, start: int = 0, region: str = "370303", enterprise: str = "测试企业a", year: int = 1980):
    rows = []
    for i in range(start, start + n):
        # Unique for any n: past 5,000 rows the birth dates move by a week.
        birth = datetime.date(year, 1, 1) + datetime.timedelta(days=i * 13 % 5000 + i // 5000 * 7)
        rows.append(
            [
                i + 1,
                f"学员{chr(0x4E00 + i % 200)}{chr(0x4E00 + i // 200 % 200)}",
                id_number(region, birth, i),
                f"139{i:08d}",
                enterprise,
                "一线班组长",
                "危险化学品",
                demo_credit_code(enterprise),
            ]
        )
    return rows


def xlsx(rows, *, title: str = "2023年危险化学品企业培训花名册", header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(["培训机构：测试服务机构a", None, None, "日期：2023-09-12"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "花名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def import_roster(world, session, rows, *, side="a"):
    content = xlsx(rows)
    checked = roster_check(io.BytesIO(content), "花名册.xlsx", session)
    services.roster_apply(session=session, checked=checked, actor=world.users[f"provider_{side}"])
    return checked


def current_project(world, side: str = "a"):
    """A project of this year's plan, in progress, whose agreement runs until the end of the year:
    for sessions held now (the browser tests sign in by the clock)."""
    from yufang.plans.tests.factories import item, make_plan
    from yufang.projects.services import project_open, project_transition
    from yufang.projects.tests.factories import file_plan
    from yufang.providers import services as provider_services
    from yufang.providers.tests.factories import agreement_data, indicators, ready_provider, to_confirmed

    year = timezone.localdate().year
    plan = make_plan(world, year=year)
    ready_provider(world, side)
    data = agreement_data(world, item(plan, "危险化学品"), side)
    data.update(period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31))
    agreement = provider_services.agreement_create(
        data=data,
        indicators=indicators(),
        team=[{"name": "张老师", "role": "项目负责人", "phone": "13812345678"}],
        actor=world.users["agency"],
    )
    to_confirmed(world, agreement, side)
    provider_services.agreement_transition(agreement=agreement, action="sign", actor=world.users["agency"])
    project = project_open(
        agreement=agreement, actor=world.users["agency"], regions=[world.orgs[f"district_{side}"].region]
    )
    file_plan(world, project, side)
    for action, who in (("submit_plan", f"provider_{side}"), ("approve_plan", "agency"), ("start", f"provider_{side}")):
        project_transition(project=project, action=action, actor=world.users[who], note="测试")
    return project


def attend_and_close(world, session, people, *, side: str = "a"):
    """Everyone on the session's roster (imported like any roster), present for the whole session
    (marked by the provider, with a reason), then the session closed: the platform's own path to
    offline completions."""
    rows = [
        [
            i + 1,
            p.name,
            p.id_number,
            p.phone or f"139{i:08d}",
            p.enterprise.name if p.enterprise else "",
            p.position.name if p.position else "",
            p.industry.name if p.industry else "",
            p.enterprise.credit_code if p.enterprise else "",
        ]
        for i, p in enumerate(people)
    ]
    checked = import_roster(world, session, rows, side=side)
    assert not checked.errors, checked.errors
    for person in people:
        services.attendance_mark(
            session=session,
            actor=world.users[f"provider_{side}"],
            name=person.name,
            id_number=person.id_number,
            signed_in_at=timezone.localtime(session.starts_at) - datetime.timedelta(minutes=5),
            signed_out_at=timezone.localtime(session.ends_at) + datetime.timedelta(minutes=5),
            reason="签到设备故障，现场核实后补录",
        )
    return services.session_transition(session=session, action="close", actor=world.users[f"provider_{side}"])
