"""The provider, qualification, procurement, debarment and agreement lists read the same number
of queries for three times as many rows."""

from decimal import Decimal

import pytest
from django.urls import reverse

from yufang.accounts.models import OrganisationKind, Role
from yufang.accounts.tests.factories import make_org, make_user
from yufang.core.tests.queries import assert_flat, listed, page_reader
from yufang.plans.tests.factories import make_plan
from yufang.providers import selectors
from yufang.providers.tests.factories import debar, make_agreement, make_procurement, ready_provider


@pytest.fixture
def build(world):
    """Each call adds n providers, each verified and qualified, with a procurement, a service
    agreement and a debarment."""
    plan = make_plan(world)
    count = [0]

    def build(n):
        for _ in range(n):
            key = f"q{count[0]}"
            count[0] += 1
            region = world.orgs[f"district_{'ab'[count[0] % 2]}"].region
            world.orgs[f"provider_{key}"] = make_org(
                world.owner, f"服务机构{key}", OrganisationKind.PROVIDER, region=region
            )
            world.users[f"provider_{key}"] = make_user(
                world.owner, f"t_provider_{key}", world.orgs[f"provider_{key}"], Role.PROVIDER_STAFF
            )
            ready_provider(world, key)
            make_procurement(world, plan, side=key, amount=Decimal("1000.00"))
            make_agreement(world, plan, side=key, price=Decimal("1000.00"))
            debar(world, key)

    return build


def test_provider_selectors_with_what_their_pages_show(world, build):
    agency = world.users["agency"]
    reads = {
        "providers": lambda: [
            (p.organisation.name, str(p.organisation.region), p.get_kind_display(), p.get_status_display())
            for p in selectors.provider_list(user=agency)
        ],
        "qualifications": lambda: [
            (q.provider.name, q.get_kind_display(), q.number, q.valid_to)
            for q in selectors.qualification_list(user=agency)
        ],
        "procurements": lambda: [
            (p.item.name, p.get_method_display(), p.chosen.name, p.amount)
            for p in selectors.procurement_list(user=agency)
        ],
        "debarments": lambda: [
            (d.provider.name, d.get_ground_display(), d.decision_number) for d in selectors.debarment_list(user=agency)
        ],
        "agreements": lambda: [
            (a.title, a.provider.name, a.item.name, a.price, a.get_status_display())
            for a in selectors.agreement_list(user=agency)
        ],
    }
    for name, read in reads.items():
        assert assert_flat(build=build, evaluate=read) > 0, name


@pytest.mark.parametrize(
    "url_name",
    ["provider_list", "qualification_list", "procurement_list", "debarment_list", "agreement_list"],
)
def test_provider_pages(world, build, url_name):
    for key in ("agency", "district_a"):
        assert_flat(build=build, evaluate=page_reader(world.users[key], reverse(f"providers:{url_name}")), size=listed)
