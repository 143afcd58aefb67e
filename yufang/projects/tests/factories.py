"""Projects in any status, through the real services: the plan filed and approved, reports,
the completion report, a convened and scored acceptance, payments."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from yufang.accounts.models import OrganisationKind, Role, User
from yufang.accounts.tests.factories import make_org, make_user
from yufang.projects import selectors, services
from yufang.projects.models import Acceptance, PlanVersion, Project, ProjectStatus
from yufang.projects.services import project_open, project_transition
from yufang.providers.tests.factories import signed_agreement

S = ProjectStatus
D = Decimal
# The panel meets on 2024-01-10 and decides two days later; the balance is paid after that.
DECIDED_ON = datetime.date(2024, 1, 12)


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", content_type="application/pdf")


def plan_data(project: Project, **overrides) -> dict:
    return {
        "title": project.name,
        "goals": "完成协议约定的培训人数和场次，提升重点岗位人员工伤预防意识。",
        "mode": "offline",
        "sessions": 10,
        "headcount": 600,
        "start_date": project.agreement.period_start,
        "completion_date": project.deadline,
        "schedule": "9月筹备，10-11月集中培训，12月总结。",
        "team": "张老师负责组织实施。",
        "report_interval_months": 1,
        **overrides,
    }


def cost_items(project: Project) -> list[dict]:
    price = project.agreement.price
    return [
        {"category": "teaching", "name": "培训授课", "amount": (price * D("0.6")).quantize(D("0.01"))},
        {"category": "training_materials", "name": "培训教材印制", "amount": (price * D("0.3")).quantize(D("0.01"))},
    ]


def file_plan(world, project: Project, side: str = "a", **overrides) -> PlanVersion:
    return services.plan_version_create(
        project=project,
        data=plan_data(project, **overrides),
        cost_items=cost_items(project),
        indicators=selectors.plan_indicator_defaults(project),
        actor=world.users[f"provider_{side}"],
    )


def panel(world) -> list[User]:
    """The owner, the health commission's partner, and an emergency-management partner."""
    emergency = world.users.get("emergency")
    if emergency is None:
        org = make_org(world.owner, "应急局", OrganisationKind.EMERGENCY)
        emergency = make_user(world.owner, "t_emergency", org, Role.PARTNER)
        world.orgs["emergency"] = org
        world.users["emergency"] = emergency
    return [world.owner, world.users["partner"], emergency]


def convene(world, project: Project) -> Acceptance:
    return services.acceptance_convene(
        project=project, convened_on=datetime.date(2024, 1, 10), members=panel(world), actor=world.owner
    )


def score_all(world, acceptance: Acceptance, value: Decimal) -> None:
    for member in acceptance.members.all():
        services.acceptance_score(
            acceptance=acceptance,
            scores={i.pk: value for i in acceptance.indicators.all()},
            remarks="材料齐全。",
            actor=member,
        )


def _provider(world, side):
    return world.users[f"provider_{side}"]


def _t(action, who="agency", **params):
    def step(world, project, side):
        actor = _provider(world, side) if who == "provider" else world.users[who]
        project_transition(project=project, action=action, actor=actor, note="测试理由", **params)

    return step


def _file(world, project, side):
    file_plan(world, project, side)


def _completion_report(world, project, side):
    services.completion_report_save(
        project=project,
        data={
            "goals": "完成培训目标。",
            "signing": "已签订协议。",
            "performance": "按实施方案开展培训。",
            "payments": "预付款已支付。",
            "effect": "参训人员安全意识明显提升。",
        },
        files={"archives": pdf("培训档案.pdf")},
        actor=_provider(world, side),
    )


def _convene(world, project, side):
    convene(world, project)


def _scores(value):
    def step(world, project, side):
        score_all(world, project.acceptance, value)

    return step


def _extension(world, project, side):
    project_transition(
        project=project,
        action="request_extension",
        actor=_provider(world, side),
        reason="受天气影响，部分企业培训顺延。",
        new_deadline=project.deadline + datetime.timedelta(days=31),
    )


TO_IN_PROGRESS = [_file, _t("submit_plan", "provider"), _t("approve_plan"), _t("start", "provider")]
TO_AWAITING = [*TO_IN_PROGRESS, _completion_report, _t("submit_completion", "provider")]
TO_ACCEPTED = [*TO_AWAITING, _convene, _scores(D("90")), _t("pass", "owner", decided_on=DECIDED_ON)]

# The steps, and who takes them, that lead from a new project to each status.
PATH = {
    S.PLAN_PENDING: [],
    S.UNDER_REVIEW: [_file, _t("submit_plan", "provider")],
    S.RETURNED: [_file, _t("submit_plan", "provider"), _t("return_plan")],
    S.APPROVED: TO_IN_PROGRESS[:3],
    S.IN_PROGRESS: TO_IN_PROGRESS,
    S.EXTENSION_REQUESTED: [*TO_IN_PROGRESS, _extension],
    S.AWAITING_ACCEPTANCE: TO_AWAITING,
    S.ACCEPTED: TO_ACCEPTED,
    S.FAILED: [*TO_AWAITING, _convene, _scores(D("40")), _t("fail", "owner", decided_on=DECIDED_ON)],
    S.SETTLED: [*TO_ACCEPTED, _t("settle")],
    S.ARCHIVED: [*TO_ACCEPTED, _t("settle"), _t("archive")],
    S.TERMINATED: [*TO_IN_PROGRESS, _t("terminate")],
}


def walk(world, project: Project, status: str, side: str = "a") -> Project:
    for step in PATH[status]:
        step(world, project, side)
        project.refresh_from_db()
    return project


def make_project(
    world, plan=None, *, side: str = "a", status: str = ProjectStatus.IN_PROGRESS, **agreement_kwargs
) -> Project:
    """A project of side a's (or b's) provider, with work in that side's district. SETTLED and
    ARCHIVED here mean a project whose whole price went as balance (no advance was asked)."""
    agreement = signed_agreement(world, plan, side=side, **agreement_kwargs)
    project = project_open(
        agreement=agreement, actor=world.users["agency"], regions=[world.orgs[f"district_{side}"].region]
    )
    if status in (S.SETTLED, S.ARCHIVED):
        walk(world, project, S.ACCEPTED, side)
        pay(world, services.payment_request(project=project, kind="balance", actor=_provider(world, side)))
        for step in PATH[status][len(TO_ACCEPTED) :]:
            step(world, project, side)
            project.refresh_from_db()
        return project
    return walk(world, project, status, side)


def pay(world, payment, voucher: str = "PZ-0001"):
    services.payment_transition(payment=payment, action="review", actor=world.users["agency"])
    services.payment_transition(payment=payment, action="approve", actor=world.owner)
    return services.payment_transition(
        payment=payment,
        action="pay",
        actor=world.users["agency"],
        voucher_number=voucher,
        paid_on=datetime.date(2024, 1, 20),
    )
