"""The page and the service ask the same check: where the service refuses for the record's state,
the page does not offer the button and shows the service's reason; where the service accepts,
the page offers it."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from yufang.core.permissions import Verdict, allow, deny, not_now, require
from yufang.projects import selectors, services
from yufang.projects.models import PaymentKind, ProjectStatus, ReportStatus

from .factories import convene, file_plan, make_project

S = ProjectStatus


def _service_says(call) -> tuple[bool, str]:
    """Whether the service did it, and its reason where it refused."""
    try:
        call()
    except (ValidationError, PermissionDenied) as e:
        return False, "；".join(e.messages) if isinstance(e, ValidationError) else str(e)
    return True, ""


def _agree(client, user, url: str, testid: str, call) -> tuple[bool, str]:
    """Renders the page before the service is asked (the service changes the record) and checks
    that both say the same."""
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    done, reason = _service_says(call)
    offered = f'data-testid="{testid}"' in html
    assert offered == done, (testid, reason)
    if not done:
        assert reason and reason in html, (testid, reason)
        assert f'data-testid="{testid}-refused"' in html
    return done, reason


def _deduction(world, project, actor=None):
    return lambda: services.deduction_create(
        project=project,
        data={"amount": Decimal("100.00"), "source": "inspection", "reason": "培训签到表缺失"},
        actor=actor or world.users["agency"],
    )


@pytest.mark.parametrize(
    ("status", "accepted"),
    [(S.PLAN_PENDING, False), (S.IN_PROGRESS, True), (S.AWAITING_ACCEPTANCE, True), (S.SETTLED, False)],
)
def test_the_deduction_button_is_offered_exactly_where_the_service_records_one(world, client, status, accepted):
    project = make_project(world, status=status)
    done, reason = _agree(
        client, world.users["agency"], project.get_absolute_url(), "deduct", _deduction(world, project)
    )
    assert done is accepted
    if not accepted:
        assert reason == f"项目当前状态为「{S(status).label}」，不能扣减项目费用。"


def test_once_the_balance_is_requested_the_page_says_why_no_deduction_can_be_recorded(world, client):
    project = make_project(world, status=S.ACCEPTED)
    services.payment_request(project=project, kind=PaymentKind.BALANCE, actor=world.users["provider_a"])
    done, reason = _agree(
        client, world.users["agency"], project.get_absolute_url(), "deduct", _deduction(world, project)
    )
    assert not done and reason.startswith("尾款已申请，不能再扣减")
    client.force_login(world.users["agency"])
    assert client.get(reverse("projects:deduction_create", args=[project.pk])).status_code == 403


def test_the_provider_is_neither_offered_nor_told_about_a_deduction(world, client):
    """A refusal by role hides the button: no greyed button, no reason."""
    project = make_project(world, status=S.IN_PROGRESS)
    client.force_login(world.users["provider_a"])
    html = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="deduct"' not in html and 'data-testid="deduct-refused"' not in html
    with pytest.raises(PermissionDenied, match="扣减项目费用由经办机构决定"):
        _deduction(world, project, world.users["provider_a"])()


def test_a_second_balance_request_is_greyed_out_with_the_services_reason(world, client):
    project = make_project(world, status=S.ACCEPTED)
    provider = world.users["provider_a"]
    request = lambda: services.payment_request(project=project, kind=PaymentKind.BALANCE, actor=provider)  # noqa: E731
    assert _agree(client, provider, project.get_absolute_url(), "request-balance", request)[0]
    done, reason = _agree(client, provider, project.get_absolute_url(), "request-balance", request)
    assert not done and reason == "本项目已申请过尾款，尾款只能申请一次。"


def test_convening_is_offered_only_while_the_project_awaits_acceptance(world, client):
    early = make_project(world, status=S.IN_PROGRESS)
    call = lambda: convene(world, early)  # noqa: E731
    done, reason = _agree(client, world.owner, early.get_absolute_url(), "convene", call)
    assert not done and reason == "项目当前状态为「实施中」，尚不能组织评估验收。"
    ready = make_project(world, early.plan, status=S.AWAITING_ACCEPTANCE)
    assert _agree(client, world.owner, ready.get_absolute_url(), "convene", lambda: convene(world, ready))[0]


def test_a_submitted_plan_version_is_not_offered_for_editing(world, client):
    project = make_project(world, status=S.PLAN_PENDING)
    version = file_plan(world, project)
    provider = world.users["provider_a"]
    # Filing another version while this draft is open: the project page greys the button out.
    filed, why = _agree(client, provider, project.get_absolute_url(), "file-plan", lambda: file_plan(world, project))
    assert not filed and why == "已有未提交或待审核的实施方案版本，请先完成该版本。"
    services.project_transition(project=project, action="submit_plan", actor=provider)
    version.refresh_from_db()

    def edit():
        services.plan_version_update(
            version=version,
            data={"title": "改"},
            cost_items=[{"category": c.category, "name": c.name, "amount": c.amount} for c in version.cost_items.all()],
            indicators=selectors.plan_indicator_defaults(project),
            actor=provider,
        )

    done, reason = _agree(client, provider, version.get_absolute_url(), "edit-plan", edit)
    assert not done and reason == "已提交的实施方案版本不能修改；如需调整，请新建版本。"
    client.force_login(provider)
    assert client.get(reverse("projects:plan_version_edit", args=[version.pk])).status_code == 403


def test_an_accepted_progress_report_is_not_offered_for_editing(world, client):
    project = make_project(world, status=S.IN_PROGRESS)
    report = project.reports.order_by("sequence").first()
    provider = world.users["provider_a"]
    save = lambda: services.progress_report_save(report=report, narrative="本期完成培训。", achieved={}, actor=provider)  # noqa: E731
    assert _agree(client, provider, report.get_absolute_url(), "edit-report", save)[0]
    services.report_transition(report=report, action="submit", actor=provider)
    services.report_transition(report=report, action="accept", actor=world.users["agency"])
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    done, reason = _agree(client, provider, report.get_absolute_url(), "edit-report", save)
    assert not done and reason == "该进度报告已提交，不能修改。"


def test_a_scored_member_is_told_why_there_is_no_form(world, client):
    project = make_project(world, status=S.AWAITING_ACCEPTANCE)
    acceptance = convene(world, project)
    scores = {i.pk: Decimal("90") for i in acceptance.indicators.all()}
    score = lambda: services.acceptance_score(acceptance=acceptance, scores=scores, actor=world.owner)  # noqa: E731
    assert _agree(client, world.owner, acceptance.get_absolute_url(), "submit-score", score)[0]
    client.force_login(world.owner)
    html = client.get(acceptance.get_absolute_url()).content.decode()
    assert 'data-testid="submit-score"' not in html and "您已评过分，每位成员只能评分一次。" in html
    with pytest.raises(ValidationError, match="您已评过分"):
        score()


def test_a_refusal_by_state_is_a_validation_error_in_a_service_and_a_403_on_a_page():
    assert tuple(allow()) == (True, "") and isinstance(allow(), Verdict)
    require(allow())
    with pytest.raises(PermissionDenied, match="不是你"):
        require(deny("不是你"))
    with pytest.raises(ValidationError, match="还不行"):
        require(not_now("还不行"))
    with pytest.raises(PermissionDenied, match="还不行"):
        require(not_now("还不行"), page=True)
    with pytest.raises(PermissionDenied, match="已签订"):
        require(not_now("已签订", error=PermissionDenied))
    with pytest.raises(PermissionDenied, match="旧式"):
        require((False, "旧式"))
    assert not_now("x").by_state and not deny("x").by_state
