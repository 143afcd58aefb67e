"""The rules of a project's life, through the real services: what is refused, with what message,
and that nothing is half-saved."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yufang.plans.tests.factories import item
from yufang.projects import selectors, services
from yufang.projects.models import (
    CompletionReport,
    DeductionStatus,
    ExtensionStatus,
    Payment,
    PaymentStatus,
    PlanVersion,
    PlanVersionState,
    ProgressReport,
    ProjectStatus,
    ReportStatus,
)
from yufang.projects.selectors import sessions_held
from yufang.providers.debarment import provider_is_debarred
from yufang.providers.models import AgreementStatus, Debarment
from yufang.reference.models import Industry, Position
from yufang.targets.tests.factories import make_people
from yufang.training.tests.factories import attend_and_close, make_session

from .factories import (
    TO_ACCEPTED,
    TO_IN_PROGRESS,
    convene,
    cost_items,
    file_plan,
    make_project,
    pay,
    plan_data,
)

S = ProjectStatus
D = Decimal


def _train(world, project, n: int, *, side: str = "a", day=datetime.date(2023, 10, 15), position=None, start=0):
    """n people of the hazardous-chemicals industry at a session of the project, present for
    all of it; the session closed (the platform's own offline path)."""
    position = position or Position.objects.order_by("pk").first()
    people = make_people(
        world.owner,
        world.orgs[f"enterprise_{side}"],
        n,
        industry="hazchem",
        positions=[position.code],
        seed=3,
        start=start or (100 if side == "a" else 500),
    )
    attend_and_close(world, make_session(world, project, side=side, day=day), people, side=side)
    return people


# --- Plan -----------------------------------------------------------------------------------


def test_unlawful_cost_items_are_refused_with_the_rule(world):
    project = make_project(world, status=S.PLAN_PENDING)
    items = [*cost_items(project), {"category": "teaching", "name": "项目人员工资", "amount": D("1000.00")}]
    with pytest.raises(ValidationError) as e:
        services.plan_version_create(
            project=project,
            data=plan_data(project),
            cost_items=items,
            indicators=selectors.plan_indicator_defaults(project),
            actor=world.users["provider_a"],
        )
    assert "第 3 项「项目人员工资」属于人员工资支出" in str(e.value)
    assert not PlanVersion.objects.exists()
    for word in ("办公用品", "购买车辆", "投影设备", "房屋租金"):
        with pytest.raises(ValidationError, match="工伤预防费只能用于宣传和培训"):
            services.plan_version_create(
                project=project,
                data=plan_data(project),
                cost_items=[{"category": "teaching", "name": word, "amount": D("10.00")}],
                indicators=selectors.plan_indicator_defaults(project),
                actor=world.users["provider_a"],
            )


def test_plan_cannot_promise_less_than_the_agreement_or_spend_more(world):
    project = make_project(world, status=S.PLAN_PENDING)
    indicators = selectors.plan_indicator_defaults(project)
    indicators[0]["planned"] = 1
    with pytest.raises(ValidationError, match="低于服务协议约定的 10"):
        services.plan_version_create(
            project=project,
            data=plan_data(project),
            cost_items=cost_items(project),
            indicators=indicators,
            actor=world.users["provider_a"],
        )
    with pytest.raises(ValidationError, match="超过协议金额"):
        services.plan_version_create(
            project=project,
            data=plan_data(project),
            cost_items=[{"category": "teaching", "name": "授课", "amount": D("100000.01")}],
            indicators=selectors.plan_indicator_defaults(project),
            actor=world.users["provider_a"],
        )
    with pytest.raises(ValidationError, match="请申请延期"):
        file_plan(world, project, completion_date=project.deadline + datetime.timedelta(days=1))


def test_only_the_projects_provider_files_and_submit_needs_a_plan(world):
    project = make_project(world, status=S.PLAN_PENDING)
    with pytest.raises(PermissionDenied):
        file_plan(world, project, side="b")
    with pytest.raises(ValidationError, match="请先填写实施方案"):
        services.project_transition(project=project, action="submit_plan", actor=world.users["provider_a"])


def test_versions_are_kept_and_the_approved_one_is_frozen(world):
    project = make_project(world, status=S.RETURNED)
    first = project.plan_versions.get()
    assert first.state == PlanVersionState.RETURNED and first.decision_note == "测试理由"
    with pytest.raises(ValidationError, match="不能修改"):
        services.plan_version_update(
            version=first,
            data=plan_data(project),
            cost_items=cost_items(project),
            indicators=selectors.plan_indicator_defaults(project),
            actor=world.users["provider_a"],
        )
    second = file_plan(world, project, goals="修改后的目标")
    assert second.number == 2
    services.project_transition(project=project, action="submit_plan", actor=world.users["provider_a"])
    services.project_transition(project=project, action="approve_plan", actor=world.users["agency"])
    second.refresh_from_db()
    assert project.approved_plan == second and second.state == PlanVersionState.APPROVED

    # A change request after approval: the approved version stays until the change is approved.
    with pytest.raises(ValidationError, match="请写明变更理由"):
        file_plan(world, project)
    third = file_plan(world, project, change_reason="增加一场培训", sessions=11)
    services.plan_change_transition(version=third, action="submit", actor=world.users["provider_a"])
    project.refresh_from_db()
    assert project.approved_plan == second
    services.plan_change_transition(version=third, action="approve", actor=world.users["agency"])
    project.refresh_from_db()
    second.refresh_from_db()
    assert project.approved_plan == third and second.state == PlanVersionState.SUPERSEDED
    assert PlanVersion.objects.filter(project=project).count() == 3


# --- Reports --------------------------------------------------------------------------------


def test_monthly_schedule_prefilled_from_platform_records(world):
    project = make_project(world, status=S.IN_PROGRESS)
    reports = list(project.reports.order_by("sequence"))
    assert [(r.period_start, r.period_end, r.due_date) for r in reports] == [
        (datetime.date(2023, 9, 1), datetime.date(2023, 9, 30), datetime.date(2023, 10, 5)),
        (datetime.date(2023, 10, 1), datetime.date(2023, 10, 31), datetime.date(2023, 11, 5)),
        (datetime.date(2023, 11, 1), datetime.date(2023, 11, 30), datetime.date(2023, 12, 5)),
        (datetime.date(2023, 12, 1), datetime.date(2023, 12, 31), datetime.date(2024, 1, 5)),
    ]
    _train(world, project, 7)
    _train(
        world, make_project(world, project.plan, side="b"), 3, side="b"
    )  # another provider's trainees never count here
    september, october = reports[0], reports[1]
    people = october.figures.get(kind="people_trained")
    assert selectors.report_prefill(september)[september.figures.get(kind="people_trained").pk] == 0
    assert selectors.report_prefill(october)[people.pk] == 7
    with pytest.raises(ValidationError, match="超过平台记录的 7"):
        services.progress_report_save(
            report=october, narrative="十月培训", achieved={people.pk: 8}, actor=world.users["provider_a"]
        )
    services.progress_report_save(
        report=october, narrative="十月培训", achieved={people.pk: 7}, actor=world.users["provider_a"]
    )
    services.report_transition(report=october, action="submit", actor=world.users["provider_a"])
    services.report_transition(report=october, action="return", actor=world.users["agency"], note="补充照片")
    october.refresh_from_db()
    assert october.status == ReportStatus.RETURNED and october.is_overdue(datetime.date(2024, 1, 1))


def test_no_report_for_a_terminated_project(world):
    project = make_project(world, status=S.TERMINATED)
    report = project.reports.first()
    with pytest.raises(ValidationError, match="已终止"):
        services.progress_report_save(report=report, narrative="x", achieved={}, actor=world.users["provider_a"])
    with pytest.raises(ValidationError, match="已终止"):
        services.report_transition(report=report, action="submit", actor=world.users["provider_a"])
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE and report.narrative == ""


# --- Extension ------------------------------------------------------------------------------


def test_extension_moves_deadline_and_schedule_keeping_both_dates(world):
    project = make_project(world, status=S.IN_PROGRESS)
    first = project.reports.order_by("sequence").first()
    services.progress_report_save(report=first, narrative="九月筹备", achieved={}, actor=world.users["provider_a"])
    services.report_transition(report=first, action="submit", actor=world.users["provider_a"])
    with pytest.raises(ValidationError, match="须晚于现完成时限"):
        services.project_transition(
            project=project,
            action="request_extension",
            actor=world.users["provider_a"],
            reason="天气",
            new_deadline=project.deadline,
        )
    services.project_transition(
        project=project,
        action="request_extension",
        actor=world.users["provider_a"],
        reason="天气原因",
        new_deadline=datetime.date(2024, 2, 29),
    )
    services.project_transition(project=project, action="confirm_extension", actor=world.users["agency"])
    project.refresh_from_db()
    assert project.original_deadline == datetime.date(2023, 12, 31)
    assert project.deadline == datetime.date(2024, 2, 29)
    ext = project.extensions.get()
    assert ext.status == ExtensionStatus.CONFIRMED and ext.old_deadline == datetime.date(2023, 12, 31)
    reports = list(project.reports.order_by("sequence"))
    assert len(reports) == 6 and reports[-1].period_end == datetime.date(2024, 2, 29)
    assert reports[0].status == ReportStatus.SUBMITTED  # the written one stays as it was


# --- Completion report and acceptance ----------------------------------------------------------


def test_completion_quantities_cannot_exceed_platform_records(world):
    project = make_project(world, status=S.IN_PROGRESS)
    _train(world, project, 5)
    report = services.completion_report_save(project=project, data={"goals": "目标"}, actor=world.users["provider_a"])
    people = report.figures.get(kind="people_trained")
    assert people.platform_count == 5 and people.planned == 600
    with pytest.raises(ValidationError, match="超过平台记录的 5"):
        services.completion_report_save(
            project=project, data={}, achieved={people.pk: 6}, actor=world.users["provider_a"]
        )
    with pytest.raises(ValidationError, match="尚缺：二、协议签订情况"):
        services.project_transition(project=project, action="submit_completion", actor=world.users["provider_a"])
    assert CompletionReport.objects.get().submitted_at is None


def test_panel_scores_once_within_range_and_result_follows_the_score(world):
    project = make_project(world, status=S.AWAITING_ACCEPTANCE)
    with pytest.raises(ValidationError, match="市卫生健康委员会、市应急管理局"):
        services.acceptance_convene(
            project=project, convened_on=datetime.date(2024, 1, 10), members=[world.owner], actor=world.owner
        )
    with pytest.raises(PermissionDenied):
        services.acceptance_convene(
            project=project, convened_on=datetime.date(2024, 1, 10), members=[], actor=world.users["agency"]
        )
    acceptance = convene(world, project)
    indicators = list(acceptance.indicators.all())
    with pytest.raises(ValidationError, match="超出范围"):
        services.acceptance_score(acceptance=acceptance, scores={i.pk: D("101") for i in indicators}, actor=world.owner)
    with pytest.raises(PermissionDenied):
        services.acceptance_score(
            acceptance=acceptance, scores={i.pk: D("80") for i in indicators}, actor=world.users["agency"]
        )
    services.acceptance_score(acceptance=acceptance, scores={i.pk: D("80") for i in indicators}, actor=world.owner)
    with pytest.raises(ValidationError, match="只能评分一次"):
        services.acceptance_score(acceptance=acceptance, scores={i.pk: D("10") for i in indicators}, actor=world.owner)
    with pytest.raises(ValidationError, match="尚有成员未评分"):
        services.project_transition(project=project, action="pass", actor=world.owner)
    for member in acceptance.members.exclude(pk=world.owner.pk):
        services.acceptance_score(acceptance=acceptance, scores={i.pk: D("70") for i in indicators}, actor=member)
    with pytest.raises(ValidationError, match="不能评定为不合格"):
        services.project_transition(project=project, action="fail", actor=world.owner, note="x")
    with pytest.raises(ValidationError, match="结论日期不能早于评估验收日期"):
        services.project_transition(
            project=project, action="pass", actor=world.owner, decided_on=acceptance.convened_on - datetime.timedelta(1)
        )
    services.project_transition(
        project=project, action="pass", actor=world.owner, decided_on=acceptance.convened_on + datetime.timedelta(2)
    )
    acceptance.refresh_from_db()
    assert acceptance.result == "pass" and acceptance.average_score == D("73.33")
    assert acceptance.decided_on == acceptance.convened_on + datetime.timedelta(2)
    # The balance is never paid before the acceptance decision.
    balance = services.payment_request(project=project, kind="balance", actor=world.users["provider_a"])
    services.payment_transition(payment=balance, action="review", actor=world.users["agency"])
    services.payment_transition(payment=balance, action="approve", actor=world.owner)
    with pytest.raises(ValidationError, match="尾款支付日期不能早于验收结论日期"):
        services.payment_transition(
            payment=balance,
            action="pay",
            actor=world.users["agency"],
            voucher_number="PZ-9",
            paid_on=acceptance.decided_on - datetime.timedelta(1),
        )


def test_failed_acceptance_debars_the_provider_for_three_years(world):
    project = make_project(world, status=S.FAILED)
    entry = Debarment.objects.get(provider=project.provider)
    assert entry.ground == "failed_acceptance"
    assert entry.start_date == project.acceptance.decided_on  # from the decision date, not today
    assert entry.end_date == entry.start_date.replace(year=entry.start_date.year + 3)
    assert provider_is_debarred(project.provider, entry.start_date) == entry
    assert project.acceptance.result == "fail"
    with pytest.raises(ValidationError, match="尾款须在评估验收合格后申请"):
        services.payment_request(project=project, kind="balance", actor=world.users["provider_a"])


# --- Money ----------------------------------------------------------------------------------


def test_advance_only_after_approval_once_and_within_the_percentage(world):
    project = make_project(world, status=S.UNDER_REVIEW)
    provider = world.users["provider_a"]
    with pytest.raises(ValidationError, match="预付款须在实施方案批准后"):
        services.payment_request(project=project, kind="advance", actor=provider)
    services.project_transition(project=project, action="approve_plan", actor=world.users["agency"])
    with pytest.raises(ValidationError, match=r"超过协议金额的 30.00%（30,000.00 元）"):
        services.payment_request(project=project, kind="advance", actor=provider, amount=D("30000.01"))
    advance = services.payment_request(project=project, kind="advance", actor=provider)
    assert advance.amount == D("30000.00")
    with pytest.raises(ValidationError, match="预付款只能申请一次"):
        services.payment_request(project=project, kind="advance", actor=provider)
    with pytest.raises(ValidationError, match="尾款须在评估验收合格后申请"):
        services.payment_request(project=project, kind="balance", actor=provider)
    assert Payment.objects.count() == 1


def test_whole_money_path_with_a_deduction_and_an_objection(world):
    project = make_project(world, status=S.IN_PROGRESS)
    agreement = project.agreement
    budget_item = item(project.plan, "危险化学品")
    provider, agency = world.users["provider_a"], world.users["agency"]
    advance = pay(world, services.payment_request(project=project, kind="advance", actor=provider))
    assert advance.status == PaymentStatus.PAID and advance.voucher_number == "PZ-0001"
    agreement.refresh_from_db()
    budget_item.refresh_from_db()
    assert agreement.paid == D("30000.00") and budget_item.paid == D("30000.00")

    deduction = services.deduction_create(
        project=project,
        data={"amount": D("5000.00"), "source": "inspection", "reason": "签到表与照片不符"},
        actor=agency,
    )
    with pytest.raises(PermissionDenied):
        services.deduction_create(project=project, data={"amount": D("1.00"), "reason": "x"}, actor=provider)
    services.deduction_transition(deduction=deduction, action="object", actor=provider, note="已补充照片")
    with pytest.raises(ValidationError, match="不能执行此操作"):
        services.deduction_transition(deduction=deduction, action="object", actor=provider, note="再次异议")
    for step in TO_ACCEPTED[len(TO_IN_PROGRESS) :]:  # on from in progress
        step(world, project, "a")
    project.refresh_from_db()
    with pytest.raises(ValidationError, match="扣减异议尚待"):
        services.payment_request(project=project, kind="balance", actor=provider)
    services.deduction_transition(deduction=deduction, action="uphold", actor=agency, note="照片不能证明到场")
    assert deduction.status == DeductionStatus.UPHELD

    with pytest.raises(ValidationError, match="尾款 65,000.00 元 尚未支付"):
        services.project_transition(project=project, action="settle", actor=agency)
    balance = services.payment_request(project=project, kind="balance", actor=provider)
    assert balance.amount == D("65000.00")
    assert "100,000.00 元 − 预付款 30,000.00 元 − 扣减 5,000.00 元" in balance.basis
    pay(world, balance, voucher="PZ-0002")
    services.project_transition(project=project, action="settle", actor=agency)
    agreement.refresh_from_db()
    budget_item.refresh_from_db()
    assert agreement.paid == D("95000.00") and agreement.committed == D("95000.00")
    assert budget_item.paid == D("95000.00") and budget_item.committed == D("95000.00")


def test_settle_refused_while_balance_unpaid_and_payment_refusal(world):
    project = make_project(world, status=S.ACCEPTED)
    provider = world.users["provider_a"]
    balance = services.payment_request(project=project, kind="balance", actor=provider)
    with pytest.raises(ValidationError, match="有付款尚在办理中"):
        services.project_transition(project=project, action="settle", actor=world.users["agency"])
    with pytest.raises(PermissionDenied):
        services.payment_transition(payment=balance, action="review", actor=provider)
    services.payment_transition(payment=balance, action="review", actor=world.users["agency"])
    with pytest.raises(PermissionDenied):
        services.payment_transition(payment=balance, action="approve", actor=world.users["agency"])
    services.payment_transition(payment=balance, action="refuse", actor=world.owner, note="发票不全")
    again = services.payment_request(project=project, kind="balance", actor=provider)
    services.payment_transition(payment=again, action="review", actor=world.users["agency"])
    services.payment_transition(payment=again, action="approve", actor=world.owner)
    with pytest.raises(ValidationError, match="请填写支付凭证号"):
        services.payment_transition(payment=again, action="pay", actor=world.users["agency"])
    again.refresh_from_db()
    assert again.status == PaymentStatus.APPROVED
    assert project.agreement.status == AgreementStatus.SIGNED


def test_report_status_and_extension_status_never_half_saved(world):
    project = make_project(world, status=S.EXTENSION_REQUESTED)
    with pytest.raises(ValidationError):
        services.project_transition(project=project, action="refuse_extension", actor=world.users["agency"])
    assert project.extensions.get().status == ExtensionStatus.PENDING
    assert ProgressReport.objects.filter(project=project).count() == 4
    assert Industry.objects.filter(code="hazchem").exists()


def test_two_projects_of_one_provider_count_separately_by_mode(world):
    """platform_count counts the completions of the project's own sessions and online learners,
    in the modes its plan reports, never the provider's other project; sessions come from the
    platform and are not typed."""
    project = make_project(world, status=S.IN_PROGRESS)
    other = make_project(world, project.plan, item_name="重点行业", status=S.IN_PROGRESS)
    assert other.provider_id == project.provider_id and other.pk != project.pk
    _train(world, project, 4)
    _train(world, other, 6, start=300)
    _train(world, project, 2, day=datetime.date(2023, 11, 20), start=400)
    report = services.completion_report_save(project=project, data={"goals": "目标"}, actor=world.users["provider_a"])
    people = report.figures.get(kind="people_trained")
    sessions = report.figures.get(kind="sessions")
    assert people.platform_count == 6 and sessions.platform_count == 2 and sessions.achieved == 2
    other_report = services.completion_report_save(
        project=other, data={"goals": "目标"}, actor=world.users["provider_a"]
    )
    assert other_report.figures.get(kind="people_trained").platform_count == 6
    assert other_report.figures.get(kind="sessions").platform_count == 1
    # A typed session count is ignored: the figure is the platform's.
    services.completion_report_save(
        project=project, data={}, achieved={sessions.pk: 9}, actor=world.users["provider_a"]
    )
    sessions.refresh_from_db()
    assert sessions.achieved == 2
    # An online-only plan reports no offline completions.
    version = project.approved_plan
    PlanVersion.objects.filter(pk=version.pk).update(mode="online")
    project.refresh_from_db()
    assert selectors.platform_count(project, people) == 0
    october = project.reports.get(period_start=datetime.date(2023, 10, 1))
    assert selectors.report_prefill(october)[october.figures.get(kind="people_trained").pk] == 0
    assert sessions_held(project, until=datetime.date(2023, 10, 31)) == (1, Decimal("4.0"))


def test_report_pages_show_sessions_held_and_their_hours(world, client):
    project = make_project(world, status=S.IN_PROGRESS)
    _train(world, project, 3)
    october = project.reports.get(period_start=datetime.date(2023, 10, 1))
    client.force_login(world.users["agency"])
    page = client.get(october.get_absolute_url()).text
    assert "已举办（已结束并认定）线下场次 1 场，合计 4 学时" in page
