"""Irreversible moves are confirmed with what will happen, and the message afterwards says what
happened (issue 15, item 4)."""

from yufang.core.workflow import done_message
from yufang.plans.services import PLAN_WORKFLOW
from yufang.projects.services import PAYMENT_WORKFLOW, PROJECT_WORKFLOW, REPORT_WORKFLOW
from yufang.training.services import SESSION_WORKFLOW

IRREVERSIBLE = [
    (REPORT_WORKFLOW, "submitted", "accept"),
    (SESSION_WORKFLOW, "scheduled", "close"),
    (PAYMENT_WORKFLOW, "reviewed", "approve"),
    (PAYMENT_WORKFLOW, "approved", "pay"),
    (PLAN_WORKFLOW, "issued", "close"),
    (PROJECT_WORKFLOW, "awaiting_acceptance", "pass"),
    (PROJECT_WORKFLOW, "awaiting_acceptance", "fail"),
]


def test_irreversible_moves_carry_a_confirmation_and_a_specific_message():
    for workflow, source, action in IRREVERSIBLE:
        t = workflow.table[(source, action)]
        assert len(t.confirm) > 20 and t.done, (workflow.model, action)


def test_done_message_names_the_record_and_its_new_status(world):
    from yufang.plans.models import Plan

    plan = Plan(year=2031, title="测试方案", status="closed")
    text = done_message(plan, "close", "issued")
    assert "已结束本年度" in text and "当前状态：已结束" in text and "操作已完成" not in text


def test_confirmation_is_drawn_before_the_button(world, client):
    from django.template.loader import render_to_string

    t = SESSION_WORKFLOW.table[("scheduled", "close")]
    html = render_to_string("includes/transitions.html", {"transitions": [(t, True, "")], "transition_url": "/x/"})
    assert "<details" in html and t.confirm in html and "确认结束并认定完成" in html
