"""Target figures must be exact: recounted here from the raw completion records, written
independently of the counting code, on generated data."""

import datetime
import random
from collections import Counter
from decimal import Decimal

from yufang.reference.models import Industry
from yufang.targets import services
from yufang.targets.models import BaselineEntry, Completion, EnterpriseSet, Metric, Mode, Target, TargetTally
from yufang.targets.selectors import plan_progress, target_breakdown
from yufang.targets.tests.factories import complete, make_batch

KEY = ["deputy", "safety_head", "team_leader"]


def _random_completions(world, people, seed=7):
    rng = random.Random(seed)
    batches = [make_batch(world.owner, f"批次{i}", 2022 + i % 2) for i in range(12)]
    for batch in batches:
        mode = rng.choice([Mode.OFFLINE, Mode.ONLINE, Mode.PRACTICAL])
        day = datetime.date(batch.year, rng.randint(1, 12), rng.randint(1, 28))
        complete(world.owner, rng.sample(people, rng.randint(10, 70)), mode=mode, day=day, source=batch)


def _raw_recount(target: Target, programme) -> tuple[int, Counter]:
    """Distinct people, and by region of the first recorded matching completion."""
    years = (2022, 2024) if target.metric == Metric.PROGRAMME_SHARE else (2023, 2023)
    positions = set(target.positions.values_list("pk", flat=True))
    if target.metric == Metric.PROGRAMME_SHARE and not positions:
        positions = set(programme.positions.values_list("pk", flat=True))
    enterprises = set(BaselineEntry.objects.filter(programme=programme).values_list("enterprise_id", flat=True))
    first: dict[int, Completion] = {}
    for c in Completion.objects.order_by("pk"):
        if not (years[0] <= c.year <= years[1]) or c.completed_on > target.deadline:
            continue
        if target.modes and c.mode not in target.modes:
            continue
        if positions and c.position_id not in positions:
            continue
        if target.enterprise_set == EnterpriseSet.PROGRAMME and c.enterprise_id not in enterprises:
            continue
        first.setdefault(c.person_id, c)
    return len(first), Counter(c.region_id for c in first.values())


def test_figures_equal_a_raw_recount(world, setup):
    plan, programme, people, targets = setup
    _random_completions(world, people)
    for key, target in targets.items():
        target.refresh_from_db()
        expected, by_region = _raw_recount(target, programme)
        assert target.achieved == expected, key
        tallies = Counter()
        for t in TargetTally.objects.filter(target=target, dimension="month"):
            tallies[t.region_id or None] += t.count
        assert +tallies == +by_region, key
        for dimension in ("industry", "position"):
            assert (
                sum(TargetTally.objects.filter(target=target, dimension=dimension).values_list("count", flat=True))
                == expected
            )
        # A recount from scratch gives the same figures, cell by cell.
        before = sorted(TargetTally.objects.filter(target=target).values_list("region_id", "dimension", "key", "count"))
        services.target_recount(target)
        after = sorted(TargetTally.objects.filter(target=target).values_list("region_id", "dimension", "key", "count"))
        assert before == after, key
        assert Target.objects.get(pk=target.pk).achieved == expected


def test_person_counts_once_however_many_sessions(world, setup):
    plan, programme, people, targets = setup
    person = people[0]
    for i in range(3):
        complete(
            world.owner,
            [person],
            mode=Mode.OFFLINE,
            day=datetime.date(2023, 3 + i, 1),
            source=make_batch(world.owner, f"场次{i}", 2023),
        )
    # The same source twice records nothing new.
    batch = make_batch(world.owner, "重复", 2023)
    assert len(complete(world.owner, [person], mode=Mode.OFFLINE, day=datetime.date(2023, 9, 1), source=batch)) == 1
    assert complete(world.owner, [person], mode=Mode.OFFLINE, day=datetime.date(2023, 9, 1), source=batch) == []
    assert Target.objects.get(pk=targets["total"].pk).achieved == 1
    assert Completion.objects.filter(person=person).count() == 4


def test_share_target_is_percent_of_baseline(world, setup):
    plan, programme, people, targets = setup
    hazchem = [p for p in people if p.industry.code == "hazchem" and p.position.code in KEY][:30]
    complete(
        world.owner,
        hazchem[:12],
        mode=Mode.OFFLINE,
        day=datetime.date(2022, 10, 1),
        source=make_batch(world.owner, "2022", 2022),
    )
    complete(
        world.owner,
        hazchem[6:30],
        mode=Mode.PRACTICAL,
        day=datetime.date(2023, 5, 1),
        source=make_batch(world.owner, "2023", 2023),
    )
    progress = {r.target.name: r for r in plan_progress(user=world.owner, plan=plan)}
    share = progress["三年任务 70%"]
    assert share.value == 30 and share.baseline == 240
    assert share.figure == Decimal("12.5")
    assert progress["危化重点岗位"].value == 24  # 2023 only


def test_district_sees_its_own_districts_figures(world, setup):
    plan, programme, people, targets = setup
    complete(
        world.owner,
        people,
        mode=Mode.ONLINE,
        day=datetime.date(2023, 11, 1),
        source=make_batch(world.owner, "线上", 2023),
    )
    a = {r.target.name: r.value for r in plan_progress(user=world.users["district_a"], plan=plan)}
    b = {r.target.name: r.value for r in plan_progress(user=world.users["district_b"], plan=plan)}
    total = {r.target.name: r.value for r in plan_progress(user=world.owner, plan=plan)}
    assert a["线上"] == 60 and b["线上"] == 120 and total["线上"] == 180
    breakdown = target_breakdown(user=world.users["district_a"], target=targets["online"])
    assert [name for name, _ in breakdown.by_region] == ["张店区"]


def test_new_target_counts_existing_completions(world, setup):
    plan, programme, people, targets = setup
    complete(
        world.owner,
        people[:40],
        mode=Mode.OFFLINE,
        day=datetime.date(2023, 6, 1),
        source=make_batch(world.owner, "x", 2023),
    )
    late = services.target_save(
        actor=world.owner,
        plan=plan,
        data={
            "name": "后加的目标",
            "metric": Metric.PERSONS,
            "threshold": Decimal(10),
            "deadline": datetime.date(2023, 12, 31),
        },
        industries=Industry.objects.filter(code="hazchem"),
    )
    assert late.achieved == sum(1 for p in people[:40] if p.industry.code == "hazchem")
    assert "限定行业：危险化学品" in late.counting_rule
