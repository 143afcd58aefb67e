"""Briefings for the scoping matrix (tests/scoping_matrix.py): one per district side."""

from yufang.insight.services import briefing_store
from yufang.plans.tests.factories import make_plan


def briefing(world, side: str):
    region = world.orgs[f"district_{side}"].region
    plan = make_plan(world) if side == "a" else None
    from yufang.plans.models import Plan

    plan = plan or Plan.objects.order_by("pk").first() or make_plan(world)
    return briefing_store(
        year=2023,
        month=11,
        region=region,
        plan=plan,
        figures={"scope": region.name},
        summary=f"{region.name}简报",
        content=f"%PDF-1.4 {side}".encode(),
        actor=world.users["owner"],
    )
