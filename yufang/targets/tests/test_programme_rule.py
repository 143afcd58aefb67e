"""The multi-year programme's rule per person: class hours added across sessions, modes, years
and providers; a person counts for the programme's share only once the rule holds."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from yufang.projects.tests.factories import make_project
from yufang.reference.models import Position
from yufang.targets import counting, services
from yufang.targets.models import ProgrammeHours, Target, TargetMember
from yufang.targets.selectors import plan_progress, programme_partway
from yufang.targets.tests.factories import complete, make_batch
from yufang.training.tests.factories import attend_and_close, make_session

pytestmark = pytest.mark.django_db
KEY = ["deputy", "safety_head", "team_leader"]


def _share(plan):
    return {
        r.target.name: r for r in plan_progress(user=plan.city.organisations.get(kind="hrss").users.first(), plan=plan)
    }["三年任务 70%"]


def test_hours_split_across_years_providers_and_modes_meet_the_rule(world, setup):
    plan, programme, people, targets = setup
    share = targets["share"]
    share.modes = []  # all modes: online hours count towards the 24, offline must be ≥ 60%
    share.save(update_fields=["modes"])
    services.target_recount(target=share)
    person, lopsided = [p for p in people if p.industry.code == "hazchem" and p.position.code in KEY][:2]
    provider_a, provider_b = world.orgs["provider_a"], world.orgs["provider_b"]

    # 2022, provider b, offline: 10 hours (a record from the earlier system).
    complete(
        world.owner,
        [person, lopsided],
        mode="offline",
        day=datetime.date(2022, 6, 1),
        source=make_batch(world.owner, "2022 线下", 2022, provider=provider_b),
        hours=10,
        provider=provider_b,
    )
    # 2023, provider a, a real offline session of 4 class hours.
    project = make_project(world, plan)
    attend_and_close(world, make_session(world, project, class_hours="4"), [person])
    row = ProgrammeHours.objects.get(target=share, person=person)
    assert (row.hours, row.offline_hours, row.met) == (Decimal(14), Decimal(14), False)
    assert not TargetMember.objects.filter(target=share, person=person).exists()

    # 2023, online: 6 hours. 20 in all, 14 offline: not yet 24.
    complete(
        world.owner,
        [person],
        mode="online",
        day=datetime.date(2023, 10, 1),
        source=make_batch(world.owner, "2023 线上", 2023, provider=provider_a),
        hours=6,
        provider=provider_a,
    )
    assert _share(plan).value == 0 and _share(plan).partway == 2
    # The other person: 10 offline + 14 online = 24 hours, but only 42% offline: never counted.
    complete(
        world.owner,
        [lopsided],
        mode="online",
        day=datetime.date(2023, 11, 1),
        source=make_batch(world.owner, "2023 线上补", 2023, provider=provider_a),
        hours=14,
        provider=provider_a,
    )

    # 2023, provider b, practical: 4 hours. 24 in all, 18 offline (75%): the rule holds now.
    complete(
        world.owner,
        [person],
        mode="practical",
        day=datetime.date(2023, 12, 1),
        source=make_batch(world.owner, "2023 实操", 2023, provider=provider_b),
        hours=4,
        provider=provider_b,
    )
    row.refresh_from_db()
    assert (row.hours, row.offline_hours, row.met) == (Decimal(24), Decimal(18), True)
    member = TargetMember.objects.get(target=share, person=person)
    assert member.completion.mode == "practical" and member.completion.completed_on == datetime.date(2023, 12, 1)
    # Hours after the target's deadline (the 2023 plan's share is due at the end of 2023) do not count.
    complete(
        world.owner,
        [lopsided],
        mode="offline",
        day=datetime.date(2024, 3, 1),
        source=make_batch(world.owner, "2024 线下", 2024, provider=provider_b),
        hours=20,
    )
    assert not TargetMember.objects.filter(target=share, person=lopsided).exists()
    progress = _share(plan)
    assert progress.value == 1 and progress.partway == 1
    partway = programme_partway(user=world.owner, target=share)
    assert partway.met == 1 and partway.short_offline == 1
    assert "不少于 24 学时" in partway.rule and "60%" in partway.rule

    # A recount from the raw records gives the same, and the check finds nothing.
    assert counting.target_check(Target.objects.get(pk=share.pk)) == []
    services.target_recount(target=share)
    assert Target.objects.get(pk=share.pk).achieved == 1
    assert TargetMember.objects.get(target=share, person=person).completion_id == member.completion_id


def test_check_lists_a_maintained_figure_that_drifted(world, setup):
    plan, programme, people, targets = setup
    complete(
        world.owner,
        people[:5],
        mode="offline",
        day=datetime.date(2023, 6, 1),
        source=make_batch(world.owner, "x", 2023),
        hours=4,
    )
    total = Target.objects.get(pk=targets["total"].pk)
    assert counting.target_check(total) == []
    Target.objects.filter(pk=total.pk).update(achieved=7)
    problems = counting.target_check(total)
    assert problems and "记为 7" in problems[0] and "应为 5" in problems[0]


def test_programme_rule_is_edited_and_its_targets_recounted(world, setup):
    plan, programme, people, targets = setup
    person = [p for p in people if p.industry.code == "hazchem" and p.position.code in KEY][0]
    complete(
        world.owner,
        [person],
        mode="offline",
        day=datetime.date(2023, 6, 1),
        source=make_batch(world.owner, "x", 2023),
        hours=16,
    )
    assert Target.objects.get(pk=targets["share"].pk).achieved == 0
    services.programme_save(
        actor=world.owner,
        programme=programme,
        data={"required_hours": Decimal(16), "offline_share_percent": Decimal(60)},
        positions=Position.objects.filter(code__in=KEY),
    )
    assert Target.objects.get(pk=targets["share"].pk).achieved == 1
    with pytest.raises(ValidationError):
        services.programme_save(
            actor=world.owner,
            programme=programme,
            data={"start_year": 2024, "end_year": 2022},
            positions=Position.objects.filter(code__in=KEY),
        )
