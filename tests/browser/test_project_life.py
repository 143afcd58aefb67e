"""A project walked in the browser by the right people in turn: the provider files the plan,
the agency approves, the provider starts and asks for the advance, the agency reviews, the owner
approves, the agency pays; the completion report, the panel scores, the owner's conclusion; the
balance and the settlement. And the other ending: failed acceptance and the debarment."""

import re

import pytest
from django.utils import timezone

from tests.browser.helpers import login
from yufang.projects.models import ProjectStatus
from yufang.projects.tests.factories import make_project, panel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def act(page, action: str, note: str = "") -> None:
    confirm = page.get_by_test_id(f"confirm-{action}")
    if confirm.count():  # an irreversible move: open its confirmation first
        confirm.locator("summary").click()
    if note:
        page.get_by_test_id(f"note-{action}").fill(note)
    page.get_by_test_id(f"action-{action}").click()
    page.wait_for_load_state()


def status_is(page, label: str) -> None:
    page.wait_for_selector(f"[data-testid=project-status]:has-text('{label}')")


def plan_to_started(page, world, project) -> None:
    provider, agency = world.users["provider_a"], world.users["agency"]
    login(page, provider)
    page.goto(project.get_absolute_url())
    page.get_by_test_id("file-plan").click()
    page.fill("#id_goals", "完成 600 名危化企业重点岗位人员线下培训。")
    page.select_option("#id_mode", "offline")
    page.fill("#id_schedule", "10 月至 12 月分批培训。")
    page.fill("#id_team", "张老师统筹。")
    page.select_option("#id_cost-0-category", "teaching")
    page.fill("#id_cost-0-name", "培训授课")
    page.fill("#id_cost-0-amount", "70000")
    page.select_option("#id_cost-1-category", "training_materials")
    page.fill("#id_cost-1-name", "办公设备")
    page.fill("#id_cost-1-amount", "5000")
    page.get_by_test_id("save").click()
    page.wait_for_load_state()
    assert "属于办公经费支出" in page.get_by_test_id("cost-errors").inner_text()
    page.fill("#id_cost-1-name", "培训教材")
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/projects/plans/\d+/$"))
    page.get_by_test_id("action-submit_plan").click()
    page.wait_for_load_state()

    login(page, agency)
    assert "待审核的实施方案" in page.get_by_test_id("todo").inner_text()
    page.goto(project.get_absolute_url())
    status_is(page, "实施方案审核中")
    act(page, "approve_plan")
    status_is(page, "实施方案已批准")

    login(page, provider)
    page.goto(project.get_absolute_url())
    act(page, "start")
    status_is(page, "实施中")


def pay_through(page, world, voucher: str, paid_on: str = "2024-01-20") -> None:
    """From a payment page the provider just reached: agency reviews, owner approves, agency pays."""
    url = page.url
    login(page, world.users["agency"])
    page.goto(url)
    act(page, "review")
    login(page, world.owner)
    page.goto(url)
    act(page, "approve")
    login(page, world.users["agency"])
    page.goto(url)
    page.fill("#id_voucher_number", voucher)
    page.fill("#id_paid_on", paid_on)
    page.get_by_test_id("action-pay").click()
    page.wait_for_selector("[data-testid=payment-status]:has-text('已支付')")


def completion_and_panel(page, world, project, score: str) -> None:
    provider = world.users["provider_a"]
    login(page, provider)
    page.goto(project.get_absolute_url())
    page.get_by_test_id("write-completion").click()
    for field, text in (
        ("goals", "目标已完成。"),
        ("performance", "按方案实施。"),
        ("effect", "安全意识提升。"),
    ):
        page.fill(f"#id_{field}", text)
    assert page.input_value("#id_signing").startswith("2")  # prefilled from the agreement
    page.set_input_files(
        "#id_archives", files=[{"name": "档案.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n"}]
    )
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/projects/completion/\d+/$"))
    page.goto(project.get_absolute_url())
    act(page, "submit_completion")
    status_is(page, "待评估验收")

    members = panel(world)
    login(page, world.owner)
    assert "待组织评估验收的项目" in page.get_by_test_id("todo").inner_text()
    page.goto(project.get_absolute_url())
    page.get_by_test_id("convene").click()
    for member in members:
        page.check(f"input[name=members][value='{member.pk}']")
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/projects/acceptances/\d+/$"))
    acceptance_url = page.url
    for member in members:
        login(page, member)
        page.goto(acceptance_url)
        for box in page.locator("input[name^=score_]").all():
            box.fill(score)
        page.get_by_test_id("submit-score").click()
        page.wait_for_load_state()
        assert "评分已提交" in page.content()
    login(page, world.owner)
    page.goto(acceptance_url)


def test_plan_to_settled_in_the_browser(page, world):
    project = make_project(world, status=ProjectStatus.PLAN_PENDING)
    plan_to_started(page, world, project)

    page.get_by_test_id("request-advance").click()
    page.wait_for_url(re.compile(r"/projects/payments/\d+/$"))
    pay_through(page, world, "PZ-2023-001")

    completion_and_panel(page, world, project, "90")
    assert page.get_by_test_id("average").inner_text() == "90.00"
    act(page, "pass")
    page.goto(project.get_absolute_url())
    status_is(page, "验收合格")

    login(page, world.users["provider_a"])
    page.goto(project.get_absolute_url())
    page.get_by_test_id("request-balance").click()
    page.wait_for_url(re.compile(r"/projects/payments/\d+/$"))
    assert "70,000.00" in page.content()
    # The balance is paid on or after the acceptance decision, which the panel made today.
    pay_through(page, world, "PZ-2024-002", paid_on=timezone.localdate().isoformat())

    login(page, world.users["agency"])
    page.goto(project.get_absolute_url())
    act(page, "settle")
    status_is(page, "已结算")
    project.agreement.refresh_from_db()
    assert str(project.agreement.paid) == "100000.00"


def test_plan_to_failed_and_debarred_in_the_browser(page, world):
    project = make_project(world, status=ProjectStatus.PLAN_PENDING)
    plan_to_started(page, world, project)
    completion_and_panel(page, world, project, "40")
    act(page, "fail", note="培训档案与签到记录不符。")
    page.goto(project.get_absolute_url())
    status_is(page, "验收不合格")
    page.goto("/providers/debarments/")
    assert world.orgs["provider_a"].name in page.locator("#results").inner_text()
