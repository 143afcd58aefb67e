"""Record makers for the projects rows of the scoping matrix (tests/scoping_matrix.py). Per side
of the world: one project under way with every record of a project's life (reports, an advance,
a deduction, a confirmed extension, the completion report), one awaiting acceptance with its
panel, and one whose plan is a draft."""

from decimal import Decimal

from yufang.providers.tests.matrix import plan_of

from .. import services
from ..models import Acceptance, CompletionReport, Deduction, Extension, Payment, PlanVersion, ProgressReport
from .factories import TO_AWAITING, _completion_report, _extension, _t, convene, make_project

PRICE = Decimal("50000.00")


def _cache(world):
    return world.__dict__.setdefault("_projects", {})


def working(world, side):
    cache = _cache(world)
    if ("working", side) not in cache:
        project = make_project(world, plan_of(world), side=side, price=PRICE)
        provider = world.users[f"provider_{side}"]
        services.payment_request(project=project, kind="advance", actor=provider)
        services.deduction_create(
            project=project,
            data={"amount": Decimal("1000.00"), "source": "inspection", "reason": f"检查发现问题{side}"},
            actor=world.users["agency"],
        )
        _extension(world, project, side)
        _t("confirm_extension")(world, project, side)
        _completion_report(world, project, side)
        project.refresh_from_db()
        cache[("working", side)] = project
    return cache[("working", side)]


def awaiting(world, side):
    cache = _cache(world)
    if ("awaiting", side) not in cache:
        project = make_project(world, plan_of(world), side=side, price=PRICE, status="plan_pending")
        for step in TO_AWAITING:
            step(world, project, side)
        project.refresh_from_db()
        convene(world, project)
        cache[("awaiting", side)] = project
    return cache[("awaiting", side)]


def drafting(world, side):
    cache = _cache(world)
    if ("drafting", side) not in cache:
        project = make_project(world, plan_of(world), side=side, price=PRICE, status="plan_pending")
        from .factories import file_plan

        file_plan(world, project, side)
        cache[("drafting", side)] = project
    return cache[("drafting", side)]


def project(world, side) -> object:
    return working(world, side)


def plan_version(world, side) -> PlanVersion:
    return drafting(world, side).plan_versions.get()


def report(world, side) -> ProgressReport:
    return working(world, side).reports.order_by("sequence").first()


def extension(world, side) -> Extension:
    return working(world, side).extensions.get()


def completion(world, side) -> CompletionReport:
    return working(world, side).completion_report


def acceptance(world, side) -> Acceptance:
    return awaiting(world, side).acceptance


def payment(world, side) -> Payment:
    return working(world, side).payments.get()


def deduction(world, side) -> Deduction:
    return working(world, side).deductions.get()
