"""Revoking a completion that proved false: every figure that counted it moves exactly (the
recount of every target and report equals the maintained figures after every revocation), on a
basis that allows it, by the agency only."""

import datetime
import random
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from yufang.core.models import AuditLog
from yufang.people.models import Person
from yufang.projects.tests.factories import make_project
from yufang.targets import services
from yufang.targets.counting import target_check
from yufang.targets.figures import figures_recount
from yufang.targets.models import Completion, CompletionRevocation, Mode, Target, TargetTally
from yufang.targets.tests.factories import complete, make_batch
from yufang.targets.tests.test_counting import _random_completions, _raw_recount
from yufang.training.flags import raise_record_flag
from yufang.training.models import FlagKind, FlagSource
from yufang.training.services import flag_transition


def confirmed_flag(world, person: Person, project, *, key: str = ""):
    """A supervision flag about the person, confirmed by the agency: a basis for revocation."""
    flag = raise_record_flag(
        source=FlagSource.SUPERVISION,
        project=project,
        kind=FlagKind.CALLBACK_ABSENT,
        key=key or f"p{person.pk}",
        summary=f"{person.name} 回访称未参加培训",
        evidence=[{"回访": "本人称未参加"}],
        subject="回访",
        subject_url="",
        person=person,
    )
    return flag_transition(flag=flag, action="confirm", actor=world.users["agency"], note="电话回访核实")


def revoke(world, completion, basis, reason="回访核实本人未参加"):
    return services.completion_revoke(
        completion=completion, reason=reason, evidence="回访录音 2023-10-20", basis=basis, actor=world.users["agency"]
    )


def _raw_tally(target: Target) -> Counter:
    return Counter(
        {(t.region_id, t.dimension, t.key): t.count for t in TargetTally.objects.filter(target=target) if t.count}
    )


def test_every_revocation_leaves_the_recount_equal_to_the_maintained_figures(world, setup):
    plan, programme, people, targets = setup
    _random_completions(world, people)
    project = make_project(world, plan)
    rng = random.Random(11)
    pool = list(Completion.objects.order_by("pk"))
    chosen = rng.sample(pool, 25)
    # The same person twice: their later completion (if any) takes over the first one's place.
    chosen += [c for c in pool if c.person_id == chosen[0].person_id and c.pk != chosen[0].pk][:1]
    assert figures_recount() == []
    flags = {}
    moved = 0
    for c in chosen:
        before = {k: Target.objects.get(pk=t.pk).achieved for k, t in targets.items()}
        if c.person_id not in flags:
            flags[c.person_id] = confirmed_flag(world, c.person, project)
        revoke(world, c, flags[c.person_id])
        # The recount (every target, every report) equals the maintained figures, exactly.
        assert figures_recount() == [], c
        for key, target in targets.items():
            target.refresh_from_db()
            assert target_check(target) == [], key
            assert target.achieved == _raw_recount(target, programme)[0], key
            moved += before[key] - target.achieved
    assert moved > 0  # the sample did move figures
    # A full rebuild from scratch changes nothing, cell by cell.
    for target in targets.values():
        cells = _raw_tally(target)
        services.target_recount(target=target)
        assert _raw_tally(target) == cells


def test_a_revoked_completion_keeps_its_record_and_its_source_cannot_record_it_again(world, setup):
    plan, programme, people, targets = setup
    person = people[0]
    batch = make_batch(world.owner, "场次", 2023)
    (completion,) = complete(world.owner, [person], mode=Mode.OFFLINE, day=datetime.date(2023, 9, 1), source=batch)
    total = Target.objects.get(pk=targets["total"].pk).achieved
    flag = confirmed_flag(world, person, make_project(world, plan))
    revocation = revoke(world, completion, flag)
    completion.refresh_from_db()
    assert completion.revoked_at is not None and revocation.basis_repr == str(flag)
    assert revocation.basis_url == flag.get_absolute_url()
    assert Target.objects.get(pk=targets["total"].pk).achieved == total - 1
    with pytest.raises(ValidationError, match="已撤销"):
        revoke(world, completion, flag)
    # The audit trail has it, with reason and basis.
    entry = AuditLog.objects.get(event="revoke", object_id=str(completion.pk))
    assert entry.actor == world.users["agency"] and entry.extra["note"] == "回访核实本人未参加"
    assert entry.extra["basis"] == str(flag)


def test_only_the_agency_revokes(world, setup):
    plan, programme, people, targets = setup
    batch = make_batch(world.owner, "场次", 2023)
    (completion,) = complete(world.owner, [people[1]], mode=Mode.OFFLINE, day=datetime.date(2023, 9, 1), source=batch)
    flag = confirmed_flag(world, people[1], make_project(world, plan))
    for who in ("owner", "district_a", "provider_a", "partner", "enterprise_a"):
        user = world.owner if who == "owner" else world.users[who]
        with pytest.raises(PermissionDenied, match="经办机构"):
            services.completion_revoke(completion=completion, reason="x", evidence="y", basis=flag, actor=user)
    assert not CompletionRevocation.objects.exists()


def test_the_basis_must_allow_it(world, setup):
    plan, programme, people, targets = setup
    batch = make_batch(world.owner, "场次", 2023)
    completions = complete(world.owner, people[:2], mode=Mode.OFFLINE, day=datetime.date(2023, 9, 1), source=batch)
    mine, other = sorted(completions, key=lambda c: c.person_id == people[1].pk)
    flag = confirmed_flag(world, people[0], make_project(world, plan))
    with pytest.raises(ValidationError, match="人员与培训完成记录不一致"):
        revoke(world, other, flag)
    open_flag = raise_record_flag(
        source=FlagSource.SUPERVISION,
        project=flag.project,
        kind=FlagKind.INSPECTION,
        key="open",
        summary="待核查",
        evidence=[],
        subject="",
        subject_url="",
        person=people[0],
    )
    with pytest.raises(ValidationError, match="已核实为问题"):
        revoke(world, mine, open_flag)
    with pytest.raises(ValidationError, match="撤销依据须为"):
        revoke(world, mine, people[0])
    with pytest.raises(ValidationError):
        services.completion_revoke(completion=mine, reason=" ", evidence="y", basis=flag, actor=world.users["agency"])
    assert Completion.objects.filter(revoked_at__isnull=False).count() == 0


def test_the_page_revokes_and_the_archive_and_list_show_why(client, world, setup):
    plan, programme, people, targets = setup
    person = people[2]
    batch = make_batch(world.owner, "场次", 2023, provider=world.orgs["provider_a"])
    (completion,) = complete(world.owner, [person], mode=Mode.OFFLINE, day=datetime.date(2023, 9, 1), source=batch)
    flag = confirmed_flag(world, person, make_project(world, plan))
    url = reverse("targets:completion_revoke", args=[completion.pk]) + f"?basis=training.flag.{flag.pk}"
    client.force_login(world.users["district_a"])
    assert client.get(url).status_code == 403
    client.force_login(world.users["agency"])
    # The flag's page offers the person's completions to revoke.
    page = client.get(flag.get_absolute_url()).content.decode()
    assert 'data-testid="revocable"' in page and url.replace("&", "&amp;") in page
    assert client.get(url.replace(f".{flag.pk}", ".999999")).status_code == 404
    assert client.get(url.replace("training.flag", "people.person")).status_code == 404
    response = client.post(
        url, {"reason": "冒名顶替", "evidence": "现场检查照片与本人不符", "basis": f"training.flag.{flag.pk}"}
    )
    assert response.status_code == 302
    completion.refresh_from_db()
    assert completion.revoked_at is not None
    archive = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert 'data-testid="revoked"' in archive and "冒名顶替" in archive
    listing = client.get(reverse("targets:completions")).content.decode()
    assert "冒名顶替" in listing
