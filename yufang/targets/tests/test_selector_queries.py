"""The completions list reads the same number of queries for three times as many completions,
whichever batch or session each came from; a plan's progress and a target's breakdown for three
times as many targets and completions."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from yufang.core.tests.queries import assert_flat, listed, page_reader
from yufang.plans.tests.factories import make_plan
from yufang.reference.models import Industry, Position
from yufang.targets import services
from yufang.targets.models import EnterpriseSet, Metric, Mode
from yufang.targets.selectors import completion_list, plan_progress, target_breakdown

from .factories import complete, make_batch, make_people


def _completions(world):
    made = [0]

    def build(n):
        for _ in range(n):
            i = made[0]
            made[0] += 1
            people = make_people(
                world.owner, world.orgs["enterprise_a"], 1, industry="hazchem", positions=["worker"], start=500 + i
            )
            complete(
                world.owner,
                people,
                mode=Mode.OFFLINE,
                day=datetime.date(2022, 5, 1 + i),
                source=make_batch(world.owner, f"历史批次{i}", 2022),
            )

    return build


def test_completion_list_with_what_its_page_shows(world):
    def read():
        return [
            (
                c.person.name,
                c.year,
                c.get_mode_display(),
                str(c.enterprise),
                str(c.region),
                str(c.provider),
                c.source_repr,
            )
            for c in completion_list(user=world.users["district_a"])
        ]

    assert_flat(build=_completions(world), evaluate=read)


def test_completions_page(world):
    build = _completions(world)
    for key in ("agency", "district_a", "enterprise_a"):
        assert_flat(build=build, evaluate=page_reader(world.users[key], reverse("targets:completions")), size=listed)


KEY = ["deputy", "safety_head", "team_leader"]


@pytest.fixture
def progress(world):
    """A plan with one all-modes target and one programme-share target; each call adds n targets
    and n historic completions in months, positions and districts of their own, so that both the
    target cards and the breakdown of the first target grow."""
    owner = world.owner
    plan = make_plan(world)
    programme = services.programme_create(
        actor=owner,
        data={
            "city": world.city,
            "name": "危化工程",
            "start_year": 2022,
            "end_year": 2024,
            "industry": Industry.objects.get(code="hazchem"),
        },
        positions=Position.objects.filter(code__in=KEY),
    )
    enterprises = [world.orgs["enterprise_a"], world.orgs["enterprise_b"]]
    services.baseline_apply(
        actor=owner,
        programme=programme,
        rows=[(e.pk, Position.objects.get(code=p).pk, 40) for e in enterprises for p in KEY],
    )
    deadline = datetime.date(2023, 12, 31)
    services.target_save(
        actor=owner,
        plan=plan,
        data={"name": "全年培训", "metric": Metric.PERSONS, "threshold": Decimal(150), "deadline": deadline},
    )
    services.target_save(
        actor=owner,
        plan=plan,
        data={
            "name": "三年任务 70%",
            "metric": Metric.PROGRAMME_SHARE,
            "modes": [Mode.OFFLINE, Mode.PRACTICAL],
            "enterprise_set": EnterpriseSet.PROGRAMME,
            "programme": programme,
            "threshold": Decimal(70),
            "deadline": deadline,
            "sort_order": 1,
        },
    )
    made = [0]

    def build(n):
        for _ in range(n):
            i = made[0]
            made[0] += 1
            services.target_save(
                actor=owner,
                plan=plan,
                data={
                    "name": f"线下目标{i}",
                    "metric": Metric.PERSONS,
                    "modes": [Mode.OFFLINE],
                    "threshold": Decimal(10 + i),
                    "deadline": deadline,
                    "sort_order": 2 + i,
                },
            )
            people = make_people(
                owner, enterprises[i % 2], 1, industry="hazchem", positions=[KEY[i % 3]], start=700 + i
            )
            complete(
                owner,
                people,
                mode=Mode.OFFLINE,
                day=datetime.date(2023, 1 + i % 12, 3),
                source=make_batch(owner, f"进度批次{i}", 2023),
            )

    return plan, build


def _breakdown_rows(b) -> int:
    return len(b.by_region) + len(b.by_industry) + len(b.by_position) + len(b.by_month)


@pytest.mark.parametrize("key", ["owner", "district_a"])
def test_plan_progress_and_breakdown_with_what_the_progress_page_shows(world, progress, key):
    plan, build = progress
    user = world.users[key]

    def read():
        rows = plan_progress(user=user, plan=plan)
        cards = [
            (r.target.name, r.target.counting_rule, r.target.threshold, r.target.deadline, r.met, r.figure, r.value)
            + (r.percent_of_threshold, r.projection, r.baseline, r.partway)
            for r in rows
        ]
        breakdown = target_breakdown(user=user, target=rows[0].target)
        if key == "owner":  # the whole city: the breakdown adds up to the card's figure
            assert breakdown.total == rows[0].value
        return cards + breakdown.by_region + breakdown.by_industry + breakdown.by_position + breakdown.by_month

    assert assert_flat(build=build, evaluate=read) > 0


def test_progress_page(world, progress):
    plan, build = progress
    url = reverse("targets:progress", args=[plan.pk])

    def shown(response):
        return len(response.context["rows"]) + _breakdown_rows(response.context["breakdown"])

    for key in ("owner", "agency", "district_a"):
        assert_flat(build=build, evaluate=page_reader(world.users[key], url), size=shown)
