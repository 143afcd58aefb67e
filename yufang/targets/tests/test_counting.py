"""Target figures must be exact: recounted here from the raw completion records, written
independently of the counting code, on generated data."""

import datetime
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from yufang.enterprises import services as enterprise_services
from yufang.enterprises.models import KeyEnterpriseMark
from yufang.reference.models import Industry, Position
from yufang.targets import services
from yufang.targets.counting import target_check
from yufang.targets.models import (
    BaselineEntry,
    Completion,
    EnterpriseSet,
    LegacyBatch,
    Metric,
    Mode,
    Target,
    TargetMember,
    TargetTally,
)
from yufang.targets.selectors import plan_progress, target_breakdown
from yufang.targets.tests.factories import complete, make_batch

KEY = ["deputy", "safety_head", "team_leader"]


def _random_completions(world, people, seed=7):
    rng = random.Random(seed)
    batches = [make_batch(world.owner, f"批次{i}", 2022 + i % 2) for i in range(12)]
    for batch in batches:
        mode = rng.choice([Mode.OFFLINE, Mode.ONLINE, Mode.PRACTICAL])
        day = datetime.date(batch.year, rng.randint(1, 12), rng.randint(1, 28))
        hours = rng.choice([4, 8, 12, 16])
        complete(world.owner, rng.sample(people, rng.randint(10, 70)), mode=mode, day=day, source=batch, hours=hours)


def _raw_recount(target: Target, programme) -> tuple[int, Counter]:
    """Distinct people, and by region of the first recorded matching completion."""
    years = (2022, 2024) if target.metric == Metric.PROGRAMME_SHARE else (2023, 2023)
    positions = set(target.positions.values_list("pk", flat=True))
    if target.metric == Metric.PROGRAMME_SHARE and not positions:
        positions = set(programme.positions.values_list("pk", flat=True))
    enterprises = set(BaselineEntry.objects.filter(programme=programme).values_list("enterprise_id", flat=True))
    key_enterprises = set(KeyEnterpriseMark.objects.filter(year=2023).values_list("enterprise_id", flat=True))
    first: dict[int, Completion] = {}
    hours: dict[int, list[Decimal]] = {}
    for c in Completion.objects.order_by("pk"):
        if c.revoked_at is not None:  # a revoked completion counts for nothing
            continue
        if not (years[0] <= c.year <= years[1]) or c.completed_on > target.deadline:
            continue
        if target.modes and c.mode not in target.modes:
            continue
        if positions and c.position_id not in positions:
            continue
        if target.enterprise_set == EnterpriseSet.PROGRAMME and c.enterprise_id not in enterprises:
            continue
        if target.enterprise_set == EnterpriseSet.KEY and c.enterprise_id not in key_enterprises:
            continue
        if target.metric == Metric.PROGRAMME_SHARE:
            # The programme's rule: ≥ required hours in all, ≥ the offline share of them offline.
            total, offline = hours.setdefault(c.person_id, [Decimal(0), Decimal(0)])
            total += c.hours
            offline += c.hours if c.mode in (Mode.OFFLINE, Mode.PRACTICAL) else 0
            hours[c.person_id] = [total, offline]
            if total < programme.required_hours or offline / total * 100 < programme.offline_share_percent:
                continue
        first.setdefault(c.person_id, c)
    return len(first), Counter(c.region_id for c in first.values())


def _enterprises(people) -> dict[str, object]:
    """The setup's three enterprises by name: 测试企业a and 测试化工b (hazardous chemicals),
    测试企业b (construction)."""
    return {p.enterprise.name: p.enterprise for p in people}


def _register(world, people) -> dict[str, object]:
    """Puts the setup's enterprises in the register, which a key mark needs."""
    enterprises = _enterprises(people)
    for person in people:
        org = enterprises.pop(person.enterprise.name, None)
        if org is not None:
            enterprise_services.enterprise_save(
                actor=world.users["agency"], organisation=org, org_data={}, data={"industry": person.industry}
            )
    return _enterprises(people)


def _mark(world, enterprise, year=2023, reason="依上年数据综合排名靠前"):
    return enterprise_services.key_mark(actor=world.users["agency"], enterprise=enterprise, year=year, reason=reason)


def _key_target(world, plan, positions=(), **data) -> Target:
    return services.target_save(
        actor=world.owner,
        plan=plan,
        positions=positions,
        data={
            "name": "重点企业线下",
            "metric": Metric.PERSONS,
            "modes": [Mode.OFFLINE, Mode.PRACTICAL],
            "enterprise_set": EnterpriseSet.KEY,
            "threshold": Decimal(50),
            "deadline": datetime.date(2023, 12, 31),
            **data,
        },
    )


def test_figures_equal_a_raw_recount(world, setup):
    plan, programme, people, targets = setup
    orgs = _register(world, people)
    _mark(world, orgs["测试企业b"])
    _mark(world, orgs["测试化工b"])
    _mark(world, orgs["测试企业a"], year=2022)  # another year's key enterprise: not counted
    targets = {**targets, "key_enterprises": _key_target(world, plan)}
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
        services.target_recount(target=target)
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
    batch = make_batch(world.owner, "重复", 2023)
    (completion,) = complete(world.owner, [person], mode=Mode.OFFLINE, day=datetime.date(2023, 9, 1), source=batch)
    assert completion.historic and completion.project is None and completion.source_repr == "原系统记录：重复"
    # The same source twice records nothing new.
    record = LegacyBatch.objects.get(name="重复")
    assert (
        services.completion_record_many(
            people=[person],
            mode=Mode.OFFLINE,
            completed_on=datetime.date(2023, 9, 1),
            source=record,
            source_key=completion.source_id.split(":", 1)[1],
            _historic=True,
        )
        == []
    )
    assert Target.objects.get(pk=targets["total"].pk).achieved == 1
    assert Completion.objects.filter(person=person).count() == 4
    # Historic records enter only through their import.
    with pytest.raises(ValidationError, match="只能通过“原系统记录导入”写入"):
        services.completion_record_many(
            people=[person], mode=Mode.OFFLINE, completed_on=datetime.date(2023, 9, 2), source=record
        )


def test_share_target_is_percent_of_baseline(world, setup):
    plan, programme, people, targets = setup
    hazchem = [p for p in people if p.industry.code == "hazchem" and p.position.code in KEY][:30]
    complete(
        world.owner,
        hazchem[:12],
        mode=Mode.OFFLINE,
        day=datetime.date(2022, 10, 1),
        source=make_batch(world.owner, "2022", 2022),
        hours=16,
    )
    complete(
        world.owner,
        hazchem[6:30],
        mode=Mode.PRACTICAL,
        day=datetime.date(2023, 5, 1),
        source=make_batch(world.owner, "2023", 2023),
        hours=8,
    )
    progress = {r.target.name: r for r in plan_progress(user=world.owner, plan=plan)}
    share = progress["三年任务 70%"]
    # Only hazchem[6:12] reach 24 hours (16 + 8); the other 24 are partway.
    assert share.value == 6 and share.baseline == 240
    assert share.partway == 24
    assert share.figure == Decimal("2.5")
    assert progress["危化重点岗位"].value == 24  # 2023 only, a persons target: no hours rule


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


def test_key_enterprise_target_counts_only_the_years_key_enterprises(world, setup):
    plan, programme, people, targets = setup
    orgs = _register(world, people)
    _mark(world, orgs["测试企业b"])
    _mark(world, orgs["测试企业a"], year=2022)
    target = _key_target(world, plan)
    assert "限定企业：经办机构确定的 2023 年重点企业" in target.counting_rule
    batch = make_batch(world.owner, "2023 线下", 2023)
    complete(world.owner, people, mode=Mode.OFFLINE, day=datetime.date(2023, 5, 10), source=batch)
    builders = {p.pk for p in people if p.enterprise == orgs["测试企业b"]}
    target.refresh_from_db()
    assert target.achieved == len(builders) == 70
    assert set(TargetMember.objects.filter(target=target).values_list("person_id", flat=True)) == builders
    assert Target.objects.get(pk=targets["total"].pk).achieved == len(people)
    # Online completions of key-enterprise staff are outside this target's modes.
    complete(
        world.owner,
        people[:10] + people[-10:],
        mode=Mode.ONLINE,
        day=datetime.date(2023, 6, 1),
        source=make_batch(world.owner, "线上", 2023),
    )
    assert Target.objects.get(pk=target.pk).achieved == 70


def test_marking_and_unmarking_a_key_enterprise_recounts_its_targets(world, setup):
    plan, programme, people, targets = setup
    orgs = _register(world, people)
    target = _key_target(world, plan)
    deputies = _key_target(
        world, plan, name="重点企业分管负责人", modes=[], positions=Position.objects.filter(code="deputy")
    )
    complete(
        world.owner,
        people[:60] + people[110:],  # 测试企业a and 测试企业b
        mode=Mode.OFFLINE,
        day=datetime.date(2023, 4, 2),
        source=make_batch(world.owner, "4 月", 2023),
    )
    total = Target.objects.get(pk=targets["total"].pk).achieved
    assert Target.objects.get(pk=target.pk).achieved == 0  # no key enterprise yet

    def figure(t=target):
        t.refresh_from_db()
        cells = TargetTally.objects.filter(target=t, dimension="month").values_list("count", flat=True)
        assert sum(cells) == t.achieved  # tallies move with the figure
        return t.achieved

    mark = _mark(world, orgs["测试企业b"])
    assert figure() == 70
    assert figure(deputies) == sum(1 for p in people[110:] if p.position.code == "deputy")
    _mark(world, orgs["测试企业a"], year=2024)  # a mark for another year moves nothing
    _mark(world, orgs["测试企业b"], reason="依 2022 年数据综合排名第一")  # a new reason, same membership
    assert figure() == 70
    # Completions recorded after the mark count at once; those of other enterprises do not.
    complete(
        world.owner,
        people[60:110],
        mode=Mode.PRACTICAL,
        day=datetime.date(2023, 7, 3),
        source=make_batch(world.owner, "实操", 2023),
    )
    assert figure() == 70
    _mark(world, orgs["测试化工b"])
    assert figure() == 120
    enterprise_services.key_unmark(actor=world.users["agency"], mark=mark)
    assert figure() == 50
    assert figure(deputies) == sum(1 for p in people[60:110] if p.position.code == "deputy")
    assert not TargetMember.objects.filter(target=target, person__enterprise=orgs["测试企业b"]).exists()
    # Targets over all enterprises are not touched by marks.
    assert Target.objects.get(pk=targets["total"].pk).achieved == total + 50


def test_completions_each_with_a_source_of_their_own_count_once(world, setup):
    """completion_record_each (online certificates in bulk): one completion per source and
    person, counted for every target it meets as one by one, idempotent, never historic."""
    plan, programme, people, targets = setup
    sample = people[:40]
    records = [
        services.SourcedCompletion(
            person=p, completed_on=datetime.date(2023, 10, 1 + i % 20), source=p, hours=Decimal(2)
        )
        for i, p in enumerate(sample)
    ]
    created = services.completion_record_each(mode=Mode.ONLINE, records=records, actor=world.owner)
    assert len(created) == 40 and all(c.pk for c in created)
    assert {(c.source_id, c.person_id) for c in created} == {(str(p.pk), p.pk) for p in sample}
    assert services.completion_record_each(mode=Mode.ONLINE, records=records) == []
    for name in ("online", "total"):
        target = Target.objects.get(pk=targets[name].pk)
        assert target.achieved == 40 == _raw_recount(target, programme)[0]
    assert Target.objects.get(pk=targets["offline"].pk).achieved == 0
    assert target_check(Target.objects.get(pk=targets["online"].pk)) == []
    with pytest.raises(ValidationError, match="原系统记录"):
        services.completion_record_each(
            mode=Mode.ONLINE,
            records=[
                services.SourcedCompletion(
                    person=people[50], completed_on=datetime.date(2023, 5, 1), source=LegacyBatch()
                )
            ],
        )
