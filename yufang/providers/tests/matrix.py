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
