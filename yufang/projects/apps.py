from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "yufang.projects"
    label = "projects"
    verbose_name = "项目管理"

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils import timezone

        from yufang.accounts.models import Role
        from yufang.core.registry import NavGroup, NavItem, Panel, Todo, add_nav, add_panel, add_todos

        from . import scoping  # noqa: F401 - registers the scoping rules
        from . import selectors as s
        from .models import PaymentStatus, ProjectStatus

        officials = (Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PARTNER, Role.DISTRICT_OFFICER)
        add_nav(
            NavItem(
                "工伤预防项目",
                "projects:list",
                lambda u: u.has_role(*officials, Role.PROVIDER_STAFF),
                group=NavGroup.PROJECTS,
                order=46,
            )
        )
        add_nav(
            NavItem(
                "进度报告",
                "projects:report_list",
                lambda u: u.has_role(*officials, Role.PROVIDER_STAFF),
                group=NavGroup.PROJECTS,
                order=47,
            )
        )
        add_nav(
            NavItem(
                "项目付款",
                "projects:payment_list",
                lambda u: u.has_role(*officials, Role.PROVIDER_STAFF),
                group=NavGroup.PROJECTS,
                order=48,
            )
        )

        def project_todos(user) -> list[Todo]:
            items: list[Todo] = []
            day = timezone.localdate()
            projects = reverse("projects:list")
            reports = reverse("projects:report_list")
            payments = reverse("projects:payment_list")

            def add(title, url, qs_or_list, level="info", detail=""):
                count = len(qs_or_list) if isinstance(qs_or_list, list) else qs_or_list.count()
                if count:
                    items.append(Todo(title, url, count=count, level=level, detail=detail))

            if user.has_role(Role.PROVIDER_STAFF):
                add(
                    "待填写或退回修改的实施方案",
                    f"{projects}?status=plan_pending",
                    s.project_list(user=user, status=ProjectStatus.PLAN_PENDING),
                    "warning",
                )
                add(
                    "实施方案被退回，请修改后重新提交",
                    f"{projects}?status=returned",
                    s.project_list(user=user, status=ProjectStatus.RETURNED),
                    "warning",
                )
                due = s.reports_due(user=user, on_date=day)
                overdue = due.filter(due_date__lt=day)
                add("逾期未报的进度报告", f"{reports}?overdue=yes", overdue, "danger")
                add("本期应报的进度报告", f"{reports}?status=due", due.filter(due_date__gte=day), "warning")
                add(
                    "可申请预付款的项目（实施方案已批准）",
                    f"{projects}?status=approved",
                    s.project_list(user=user, status=ProjectStatus.APPROVED).exclude(payments__kind="advance"),
                )
                add(
                    "验收合格、可申请尾款的项目",
                    f"{projects}?status=accepted",
                    s.project_list(user=user, status=ProjectStatus.ACCEPTED).exclude(
                        payments__kind="balance", payments__status__in=s.payable_statuses()
                    ),
                )
                add(
                    "被扣减项目费用（可提出一次异议）",
                    reverse("projects:deduction_list") + "?status=recorded",
                    s.deduction_list(user=user, status="recorded"),
                )
            if user.is_agency:
                add("待审核的实施方案", f"{projects}?status=under_review", s.plans_to_review(user=user), "warning")
                add(
                    "待审核的进度报告",
                    f"{reports}?status=submitted",
                    s.report_list(user=user, status="submitted"),
                    "warning",
                )
                add(
                    "待确认的延期申请",
                    f"{projects}?status=extension_requested",
                    s.extensions_pending(user=user),
                    "warning",
                )
                add(
                    "待决定的扣减异议",
                    reverse("projects:deduction_list") + "?status=objected",
                    s.objections_pending(user=user),
                    "warning",
                )
                add(
                    "待审核的付款申请",
                    f"{payments}?status=requested",
                    s.payments_in(user=user, status=PaymentStatus.REQUESTED),
                    "warning",
                )
                add(
                    "已审批、待支付的付款",
                    f"{payments}?status=approved",
                    s.payments_in(user=user, status=PaymentStatus.APPROVED),
                    "warning",
                )
                add("验收合格、待结算的项目", f"{projects}?status=accepted", s.projects_to_settle(user=user))
                add(
                    "服务机构逾期未报进度报告",
                    f"{reports}?overdue=yes",
                    s.report_list(user=user, overdue="yes", on_date=day),
                    "danger",
                )
            if user.is_programme_owner:
                add(
                    "待组织评估验收的项目",
                    f"{projects}?status=awaiting_acceptance",
                    s.acceptances_to_convene(user=user),
                    "warning",
                )
                decide = s.acceptances_to_decide(user=user)
                if decide:
                    items.append(
                        Todo(
                            "评分已完成、待作出验收结论",
                            decide[0].get_absolute_url(),
                            count=len(decide),
                            level="warning",
                        )
                    )
                add(
                    "经办机构已审核、待审批的付款",
                    f"{payments}?status=reviewed",
                    s.payments_in(user=user, status=PaymentStatus.REVIEWED),
                    "warning",
                )
            to_score = list(s.acceptances_to_score(user=user))
            if to_score:
                items.append(
                    Todo(
                        "待我评分的评估验收",
                        to_score[0].get_absolute_url(),
                        count=len(to_score),
                        level="warning",
                        detail="；".join(a.project.name for a in to_score[:3]),
                    )
                )
            if user.has_role(Role.DISTRICT_OFFICER):
                add(
                    "本区县项目逾期未报进度报告",
                    f"{reports}?overdue=yes",
                    s.report_list(user=user, overdue="yes", on_date=day),
                    "warning",
                )
            return items

        add_todos(project_todos)
        add_panel(Panel("projects/_home_provider.html", s.provider_home_panel, order=1))
        add_panel(Panel("projects/_home_payments.html", s.payments_home_panel, order=3))
