"""The stored prevention effect: equal to a fresh computation, recomputed after the records
change, and the page shows it with its time, or the progress of its computation."""

import datetime
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse

from yufang.core.models import Job, JobStatus, ScheduledRun
from yufang.core.scheduler import scheduler_tick
from yufang.insight.effect_store import EFFECT_REFRESH, effect_fingerprint, stored_effect
from yufang.insight.models import EffectResult
from yufang.insight.selectors import prevention_effect

from .factories import EnterpriseBuilder, refresh_effect

URL = reverse("insight:effect")


def test_the_stored_result_equals_a_fresh_computation(world):
    EnterpriseBuilder(world)(8)
    refresh_effect(world)
    for key in ("owner", "district_a", "partner"):
        user = world.users[key]
        for exclude_key in (False, True):
            stored = stored_effect(user=user, year=2023, threshold=Decimal(10), exclude_key=exclude_key)
            fresh = prevention_effect(user=user, year=2023, threshold=Decimal(10), exclude_key=exclude_key)
            assert stored.result == fresh.result, key
            assert stored.counts == fresh.counts
    assert (
        stored_effect(user=world.users["district_a"], year=2023, threshold=Decimal(10), exclude_key=False).counts[
            "enterprises"
        ]
        == 4
    )


def test_new_statistics_start_a_recompute_the_page_shows_in_progress(world, client):
    builder = EnterpriseBuilder(world)
    builder(4)
    refresh_effect(world)
    client.force_login(world.users["owner"])
    response = client.get(URL)
    assert response.context["job"] is None
    assert 'data-testid="computed-at"' in response.content.decode()
    builder(4)  # a statistics import and completions
    response = client.get(URL)
    job = response.context["job"]
    assert job is not None and job.kind == EFFECT_REFRESH and job.status == JobStatus.QUEUED
    body = response.content.decode()
    assert 'data-testid="effect-refresh"' in body and "下方仍为上次计算的结果" in body
    assert response.context["effect"].counts["enterprises"] == 4  # the stored result until then
    # Asking again does not queue a second refresh.
    assert client.get(URL).context["job"].pk == job.pk
    assert Job.objects.filter(kind=EFFECT_REFRESH, status=JobStatus.QUEUED).count() == 1
    progress = client.get(reverse("insight:effect_progress", args=[job.pk]))
    assert progress.status_code == 200 and "计算进度" in progress.content.decode()


def test_the_scheduler_recomputes_once_per_state_of_the_records(world):
    builder = EnterpriseBuilder(world)
    builder(4)
    moment = datetime.datetime(2024, 3, 5, 2, 0, tzinfo=datetime.UTC)
    with TestCase.captureOnCommitCallbacks(execute=True):
        runs = scheduler_tick(moment)
        scheduler_tick(moment)
    effect_runs = [r for r in runs if r.task == EFFECT_REFRESH]
    assert len(effect_runs) == 1
    assert ScheduledRun.objects.filter(task=EFFECT_REFRESH).count() == 1
    assert EffectResult.objects.filter(region_key=0, year=2023, fingerprint=effect_fingerprint()).count() == 2
    builder(2)
    with TestCase.captureOnCommitCallbacks(execute=True):
        scheduler_tick(moment)
    assert ScheduledRun.objects.filter(task=EFFECT_REFRESH).count() == 2
    stored = stored_effect(user=world.users["owner"], year=2023, threshold=Decimal(10), exclude_key=False)
    assert stored.counts["enterprises"] == 6
