"""Pages: each role sees its buttons and its 待办; forms put service messages beside the fields."""

import datetime
from decimal import Decimal

from django.urls import reverse

from yufang.projects.models import Payment, PlanVersion, ProjectStatus

from .factories import convene, make_project

S = ProjectStatus


def test_provider_files_a_plan_and_unlawful_costs_are_explained(world, client):
    project = make_project(world, status=S.PLAN_PENDING)
    client.force_login(world.users["provider_a"])
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200 and "填写实施方案" in page.content.decode()
    url = reverse("projects:plan_version_create", args=[project.pk])
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "title": project.name,
        "goals": "目标",
        "mode": "offline",
        "sessions": "10",
        "headcount": "600",
        "start_date": "2023-09-01",
        "completion_date": "2023-12-31",
        "schedule": "安排",
        "team": "分工",
        "report_interval_months": "1",
        "cost-TOTAL_FORMS": "2",
        "cost-INITIAL_FORMS": "0",
        "cost-0-category": "teaching",
        "cost-0-name": "培训授课",
        "cost-0-amount": "50000",
        "cost-1-category": "teaching",
        "cost-1-name": "购置投影设备",
        "cost-1-amount": "1000",
        "ind-TOTAL_FORMS": "2",
        "ind-INITIAL_FORMS": "0",
    }
    for n, i in enumerate(project.agreement.indicators.all()):
        data.update(
            {
                f"ind-{n}-kind": i.kind,
                f"ind-{n}-industry": i.industry_id or "",
                f"ind-{n}-position": i.position_id or "",
                f"ind-{n}-planned": str(i.planned),
            }
        )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "第 2 项「购置投影设备」属于设备购置支出" in response.content.decode()
    assert not PlanVersion.objects.exists()
    data["cost-1-name"] = "培训教材"
    response = client.post(url, data)
    assert response.status_code == 302, [
        m for m in response.content.decode().split("\n") if "invalid-feedback" in m or "alert-danger" in m
    ]
    version = PlanVersion.objects.get()
    assert response.status_code == 302 and response.url == version.get_absolute_url()
    response = client.post(reverse("projects:transition", args=[project.pk]), {"action": "submit_plan"})
    project.refresh_from_db()
    assert project.status == S.UNDER_REVIEW


def test_other_sides_records_are_404_and_agency_cannot_file(world, client):
    project = make_project(world, status=S.IN_PROGRESS)
    client.force_login(world.users["provider_b"])
    assert client.get(project.get_absolute_url()).status_code == 404
    assert client.get(project.reports.first().get_absolute_url()).status_code == 404
    client.force_login(world.users["agency"])
    assert client.get(reverse("projects:plan_version_create", args=[project.pk])).status_code == 403
    assert client.get(reverse("projects:report_list") + "?overdue=yes").status_code == 200


def test_todos_for_every_role(world, client):
    project = make_project(world, status=S.AWAITING_ACCEPTANCE)
    other = make_project(world, project.plan, status=S.UNDER_REVIEW, item_name="重点行业")
    client.force_login(world.users["agency"])
    home = client.get("/").content.decode()
    assert "待审核的实施方案" in home
    client.force_login(world.owner)
    assert "待组织评估验收的项目" in client.get("/").content.decode()
    acceptance = convene(world, project)
    client.force_login(world.users["partner"])
    assert "待我评分的评估验收" in client.get("/").content.decode()
    page = client.get(acceptance.get_absolute_url()).content.decode()
    assert "提交评分" in page
    response = client.post(
        reverse("projects:acceptance_score", args=[acceptance.pk]),
        {**{f"score_{i.pk}": "120" for i in acceptance.indicators.all()}, "remarks": ""},
    )
    assert response.status_code == 302
    assert "超出范围" in client.get(acceptance.get_absolute_url()).content.decode()
    client.force_login(world.users["district_a"])
    assert client.get(other.get_absolute_url()).status_code == 200
    assert client.get(reverse("projects:acceptance_pdf", args=[acceptance.pk]))["Content-Type"] == "application/pdf"


def test_payment_pages_and_voucher(world, client):
    project = make_project(world, status=S.IN_PROGRESS)
    client.force_login(world.users["provider_a"])
    response = client.post(reverse("projects:payment_request", args=[project.pk]), {"kind": "advance"})
    payment = Payment.objects.get()
    assert response.url == payment.get_absolute_url()
    client.force_login(world.users["agency"])
    client.post(reverse("projects:payment_transition", args=[payment.pk]), {"action": "review"})
    client.force_login(world.owner)
    client.post(reverse("projects:payment_transition", args=[payment.pk]), {"action": "approve"})
    client.force_login(world.users["agency"])
    client.post(
        reverse("projects:payment_transition", args=[payment.pk]),
        {"action": "pay", "voucher_number": "PZ-9", "paid_on": "2024-01-02"},
    )
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.paid_on == datetime.date(2024, 1, 2)
    assert payment.amount == Decimal("30000.00")
    pdf = client.get(reverse("projects:payment_voucher", args=[payment.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    export = client.get(reverse("projects:payment_list"), {"export": "xlsx"})
    assert export.status_code == 200


def _text(html: str) -> str:
    """What a reader sees: tags dropped, whitespace collapsed."""
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_completion_report_lists_the_projects_training_flags(world, client):
    from yufang.training.models import Flag, FlagKind
    from yufang.training.services import flag_transition
    from yufang.training.tests.factories import import_roster, make_session, people_rows

    from .factories import _completion_report

    session = make_session(world, topic="九月集中培训")
    later = make_session(world, session.project, day=datetime.date(2023, 10, 9), topic="十月集中培训")
    rows = people_rows(3)
    import_roster(world, session, rows + [rows[0]] + people_rows(2, start=80, year=1950))
    import_roster(world, later, people_rows(1, start=90) * 2)
    elsewhere = make_session(world, make_project(world, session.project.plan, side="b"), side="b", topic="乙方场次")
    import_roster(world, elsewhere, people_rows(1, start=120, region="370302", enterprise="测试企业b") * 2, side="b")
    confirmed = Flag.objects.get(session=session, kind=FlagKind.DUPLICATE_ID)
    flag_transition(flag=confirmed, action="confirm", actor=world.users["agency"], note="同一人两次签名，已扣除")
    _completion_report(world, session.project, "a")
    report = session.project.completion_report

    client.force_login(world.users["agency"])
    page = client.get(report.get_absolute_url()).content.decode()
    section = page[page.index('data-testid="completion-flags"') :]
    text = _text(section)
    # Counted by kind and review status, in the order of the kinds.
    assert "类型 合计 待核查 已核实为问题 已核实无问题" in text
    assert "同一人重复出现 2 1 1 0" in text and "年龄不在劳动年龄内 2 2 0 0" in text
    assert text.index("同一人重复出现（2 条）") < text.index("年龄不在劳动年龄内（2 条）")
    # Each flag with its session, the evidence summary and its status.
    assert f'<a href="{confirmed.get_absolute_url()}">{confirmed.summary}</a>' in section
    assert "同一人两次签名，已扣除" in text and "已核实为问题" in text and "待核查" in text
    assert "九月集中培训" in text and "十月集中培训" in text and "（证据 1 项）" in text
    assert "乙方场次" not in text  # another provider's project
    # The link to all of them lists this project's flags only.
    listed = client.get(reverse("training:flag_list") + f"?project={session.project_id}").content.decode()
    assert "仅显示一个项目的线索" in listed and "十月集中培训" in listed and "乙方场次" not in listed
    assert "乙方场次" in client.get(reverse("training:flag_list")).content.decode()

    # The provider sees its own report with the flags; the district where the sessions were held
    # too; the other side's provider and district do not see the report at all.
    for role in ("provider_a", "district_a"):
        client.force_login(world.users[role])
        assert "同一人重复出现 2 1 1 0" in _text(client.get(report.get_absolute_url()).content.decode()), role
    for role in ("provider_b", "district_b"):
        client.force_login(world.users[role])
        assert client.get(report.get_absolute_url()).status_code == 404, role


def test_completion_report_of_a_project_without_sessions_says_so(world, client):
    from .factories import _completion_report

    project = make_project(world, status=S.IN_PROGRESS)
    _completion_report(world, project, "a")
    client.force_login(world.users["agency"])
    page = client.get(project.completion_report.get_absolute_url()).content.decode()
    assert "本项目没有线下培训场次。" in page and 'data-testid="flag-counts"' not in page
