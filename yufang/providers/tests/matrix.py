"""Record makers for the providers rows of the scoping matrix (tests/scoping_matrix.py)."""

import datetime

from yufang.plans.tests.factories import make_plan

from ..models import Debarment, QualificationKind
from .factories import add_qualification, debar, make_agreement, make_procurement, make_profile, ready_provider


def plan_of(world):
    # One plan per world, however many records the matrix makes.
    if not hasattr(world, "plan"):
        world.plan = make_plan(world)
    return world.plan


def agreement(world, side):
    ready_provider(world, side)
    return make_agreement(world, plan_of(world), side=side)


def profile(world, side):
    return make_profile(world, side)


def qualification(world, side):
    return add_qualification(world, side, QualificationKind.BUSINESS_LICENCE)


def procurement(world, side):
    return make_procurement(world, plan_of(world), side=side)


def debarment(world, side):
    # A past entry, so that the same world can still give the provider work for the other rows;
    # made again for the same side by some matrix tests, where a second entry would overlap.
    existing = Debarment.objects.filter(provider=world.orgs[f"provider_{side}"]).first()
    return existing or debar(world, side, start=datetime.date(2019, 1, 1))


def _signed(world, side):
    # The agreement of the matrix's project under way: signed, so it may be amended.
    from yufang.projects.tests.matrix import working

    return working(world, side).agreement


def amendment(world, side):
    from .. import services

    agreement = _signed(world, side)
    return agreement.amendments.first() or services.agreement_amend(
        agreement=agreement,
        reason=f"付款方式调整{side}",
        data={"payment_terms": f"按季度支付（变更{side}）"},
        actor=world.users["agency"],
    )


def team_change(world, side):
    from .. import services

    agreement = _signed(world, side)
    return agreement.team_changes.first() or services.team_change_request_create(
        agreement=agreement,
        reason=f"原负责人调岗{side}",
        add_name=f"王{side}",
        add_role="培训讲师",
        actor=world.users[f"provider_{side}"],
    )
