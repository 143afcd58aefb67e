"""The project, report, payment and deduction lists, and the home pages that gather what is to
be done about projects, read the same number of queries for three times as many projects."""

from decimal import Decimal

import pytest
from django.urls import reverse

from yufang.accounts.models import OrganisationKind, Role
from yufang.accounts.tests.factories import make_org, make_user
from yufang.core.tests.queries import assert_flat, listed, page_reader
from yufang.plans.tests.factories import make_plan
from yufang.projects import selectors, services
from yufang.projects.models import Project
from yufang.projects.tests.factories import make_project

PRICE = Decimal("10000.00")


@pytest.fixture
def build(world, settings):
    """Each call adds n projects in progress, each of a provider of its own, with its progress
    reports scheduled, an advance asked for and a deduction proposed."""
    settings.YUFANG_PAGE_SIZE = 500  # every row on one page, however many are built
    plan = make_plan(world)
    count = [0]

    def build(n):
        for _ in range(n):
            key = f"q{count[0]}"
            count[0] += 1
            side = "ab"[count[0] % 2]
            region = world.orgs[f"district_{side}"].region
            world.orgs[f"provider_{key}"] = make_org(
                world.owner, f"服务机构{key}", OrganisationKind.PROVIDER, region=region
            )
            world.orgs[f"district_{key}"] = world.orgs[f"district_{side}"]
            world.users[f"provider_{key}"] = make_user(
                world.owner, f"t_provider_{key}", world.orgs[f"provider_{key}"], Role.PROVIDER_STAFF
            )
            project = make_project(world, plan, side=key, price=PRICE)
            services.payment_request(project=project, kind="advance", actor=world.users[f"provider_{key}"])
            services.deduction_create(
                project=project,
                data={"amount": Decimal("100.00"), "source": "inspection", "reason": f"检查发现问题{key}"},
                actor=world.users["agency"],
            )

    return build


def test_project_selectors_with_what_their_pages_show(world, build):
    agency = world.users["agency"]
    reads = {
        "projects": lambda: [
            (p.name, p.provider.name, p.plan.year, p.get_status_display(), p.deadline)
            for p in selectors.project_list(user=agency)
        ],
        "reports": lambda: [
            (r.project.name, r.project.provider.name, r.due_date, r.get_status_display())
            for r in selectors.report_list(user=agency)
        ],
        "payments": lambda: [
            (p.project.name, p.project.provider.name, p.get_kind_display(), p.amount, p.get_status_display())
            for p in selectors.payment_list(user=agency)
        ],
        "deductions": lambda: [
            (d.project.name, d.project.provider.name, d.amount, d.get_status_display())
            for d in selectors.deduction_list(user=agency)
        ],
        "payments to review": lambda: [
            (p.project.name, p.amount) for p in selectors.payments_in(user=agency, status="requested")
        ],
    }
    for name, read in reads.items():
        assert assert_flat(build=build, evaluate=read) > 0, name


@pytest.mark.parametrize("url_name", ["list", "report_list", "payment_list", "deduction_list"])
def test_project_pages(world, build, url_name):
    for key in ("agency", "district_a"):
        assert_flat(build=build, evaluate=page_reader(world.users[key], reverse(f"projects:{url_name}")), size=listed)


def test_home_pages_with_their_to_do_lists(world, build):
    for key in ("owner", "agency", "district_a"):
        assert_flat(
            build=build,
            evaluate=page_reader(world.users[key], reverse("core:home")),
            size=lambda _: Project.objects.count(),
        )
