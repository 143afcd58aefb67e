"""The projects' 待办 items on each user's home page, by role: what the provider has to file,
what the agency has to review or pay, what the owner has to convene, decide or approve, what a
panel member has to score, what a district officer should chase. Registered in apps.py."""

import datetime

from django.urls import reverse
from django.utils import timezone

from yufang.accounts.models import Role
from yufang.core.registry import Todo

from . import selectors as s
from .models import PaymentStatus, ProjectStatus


class _Items:
    """The list being built, with the project list pages' addresses."""

    def __init__(self) -> None:
        self.items: list[Todo] = []
        self.projects = reverse("projects:list")
        self.reports = reverse("projects:report_list")
        self.payments = reverse("projects:payment_list")
        self.deductions = reverse("projects:deduction_list")

    def add(self, title: str, url: str, qs_or_list, level: str = "info", detail: str = "") -> None:
        count = len(qs_or_list) if isinstance(qs_or_list, list) else qs_or_list.count()
        if count:
            self.items.append(Todo(title, url, count=count, level=level, detail=detail))

    def first_of(self, title: str, records: list, detail: str = "") -> None:
        """One item leading straight to the first record (acceptances to decide or score)."""
        if records:
            self.items.append(
                Todo(title, records[0].get_absolute_url(), count=len(records), level="warning", detail=detail)
            )


def _provider(t: _Items, user, day: datetime.date) -> None:
    t.add(
        "待填写或退回修改的实施方案",
        f"{t.projects}?status=plan_pending",
        s.project_list(user=user, status=ProjectStatus.PLAN_PENDING),
        "warning",
    )
    t.add(
        "实施方案被退回，请修改后重新提交",
        f"{t.projects}?status=returned",
        s.project_list(user=user, status=ProjectStatus.RETURNED),
        "warning",
    )
    due = s.reports_due(user=user, on_date=day)
    t.add("逾期未报的进度报告", f"{t.reports}?overdue=yes", due.filter(due_date__lt=day), "danger")
    t.add("本期应报的进度报告", f"{t.reports}?status=due", due.filter(due_date__gte=day), "warning")
    t.add(
        "可申请预付款的项目（实施方案已批准）",
        f"{t.projects}?status=approved",
        s.project_list(user=user, status=ProjectStatus.APPROVED).exclude(payments__kind="advance"),
    )
    t.add(
        "验收合格、可申请尾款的项目",
        f"{t.projects}?status=accepted",
        s.project_list(user=user, status=ProjectStatus.ACCEPTED).exclude(
            payments__kind="balance", payments__status__in=s.payable_statuses()
        ),
    )
    t.add(
        "被扣减项目费用（可提出一次异议）",
        t.deductions + "?status=recorded",
        s.deduction_list(user=user, status="recorded"),
    )


def _agency(t: _Items, user, day: datetime.date) -> None:
    t.add("待审核的实施方案", f"{t.projects}?status=under_review", s.plans_to_review(user=user), "warning")
    t.add("待审核的进度报告", f"{t.reports}?status=submitted", s.report_list(user=user, status="submitted"), "warning")
    t.add("待确认的延期申请", f"{t.projects}?status=extension_requested", s.extensions_pending(user=user), "warning")
    t.add("待决定的扣减异议", t.deductions + "?status=objected", s.objections_pending(user=user), "warning")
    t.add(
        "待审核的付款申请",
        f"{t.payments}?status=requested",
        s.payments_in(user=user, status=PaymentStatus.REQUESTED),
        "warning",
    )
    t.add(
        "已审批、待支付的付款",
        f"{t.payments}?status=approved",
        s.payments_in(user=user, status=PaymentStatus.APPROVED),
        "warning",
    )
    t.add("验收合格、待结算的项目", f"{t.projects}?status=accepted", s.projects_to_settle(user=user))
    t.add(
        "服务机构逾期未报进度报告",
        f"{t.reports}?overdue=yes",
        s.report_list(user=user, overdue="yes", on_date=day),
        "danger",
    )


def _owner(t: _Items, user) -> None:
    t.add(
        "待组织评估验收的项目",
        f"{t.projects}?status=awaiting_acceptance",
        s.acceptances_to_convene(user=user),
        "warning",
    )
    t.first_of("评分已完成、待作出验收结论", s.acceptances_to_decide(user=user))
    t.add(
        "经办机构已审核、待审批的付款",
        f"{t.payments}?status=reviewed",
        s.payments_in(user=user, status=PaymentStatus.REVIEWED),
        "warning",
    )


def project_todos(user) -> list[Todo]:
    t = _Items()
    day = timezone.localdate()
    if user.has_role(Role.PROVIDER_STAFF):
        _provider(t, user, day)
    if user.is_agency:
        _agency(t, user, day)
    if user.is_programme_owner:
        _owner(t, user)
    to_score = list(s.acceptances_to_score(user=user))
    t.first_of("待我评分的评估验收", to_score, detail="；".join(a.project.name for a in to_score[:3]))
    if user.has_role(Role.DISTRICT_OFFICER):
        t.add(
            "本区县项目逾期未报进度报告",
            f"{t.reports}?overdue=yes",
            s.report_list(user=user, overdue="yes", on_date=day),
            "warning",
        )
    return t.items
