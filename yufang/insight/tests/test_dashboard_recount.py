"""The dashboard after its records change: the page answers at once with the figures kept
from the last count, says when they were counted and that a recount runs, the background task
counts afresh (one at a time, taken over if it stalls), and the page then offers the new
figures. The tests' own task backend runs a task at once; here a backend that only queues
stands for a worker that has not got to it yet."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from yufang.insight import dashboard
from yufang.insight.dashboard import dashboard_figures, dashboard_recount
from yufang.insight.models import DashboardSnapshot
from yufang.plans.tests.factories import make_plan
from yufang.targets.tests.factories import complete, make_batch, make_people

from .factories import EnterpriseBuilder
from .test_years import _target

QUEUED = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "dashboard"]}}
URL = reverse("insight:dashboard")
RECOUNT = reverse("insight:dashboard_recount")


def _online(data) -> int:
    figure = next(f for s in data["sections"] for f in s["figures"] if f["key"] == "training_region")
    return sum(next(s["data"] for s in figure["series"] if s["name"] == "线上培训"))


@pytest.fixture
def plan(world):
    plan = make_plan(world)
    _target(world, plan)
    EnterpriseBuilder(world)(4)
    return plan


def _train_three(world, seed=99, start=900):
    owner = world.users["owner"]
    people = make_people(
        owner, world.orgs["enterprise_a"], 3, industry="construction", positions=["worker"], seed=seed, start=start
    )
    complete(owner, people, mode="online", day=datetime.date(2023, 7, 1), source=make_batch(owner, "补录", 2023))


def test_changed_records_show_the_kept_figures_while_the_worker_counts(world, plan, django_assert_num_queries):
    owner = world.users["owner"]
    first = dashboard_figures(user=owner, plan=plan)
    assert first["counted"]["fresh"] and _online(first) == 0
    _train_three(world)
    with override_settings(TASKS=QUEUED):
        with django_assert_num_queries(3):  # the kept row with the stamp, the claim, the funnel
            stale = dashboard_figures(user=owner, plan=plan)
        with django_assert_num_queries(2):  # claimed already: the kept row, the funnel
            again = dashboard_figures(user=owner, plan=plan)
    assert _online(stale) == _online(again) == 0
    assert stale["counted"]["at"] == first["counted"]["at"]
    assert not stale["counted"]["fresh"] and stale["counted"]["recounting"]

    dashboard_recount.call(owner.pk, plan.pk, None)  # the worker gets to it
    after = dashboard_figures(user=owner, plan=plan)
    assert after["counted"]["fresh"] and not after["counted"]["recounting"]
    assert _online(after) == 3


def test_one_recount_at_a_time_and_a_stalled_one_is_taken_over(world, plan):
    owner = world.users["owner"]
    dashboard_figures(user=owner, plan=plan)
    _train_three(world)
    key = dashboard.reader_key(owner, plan, dashboard.period_of(plan, ""))
    with override_settings(TASKS=QUEUED):
        dashboard_figures(user=owner, plan=plan)
        assert not dashboard.kept_claim(key)  # a second visit does not start another
        DashboardSnapshot.objects.filter(key=key).update(recount_started=timezone.now() - datetime.timedelta(minutes=3))
        stalled = dashboard_figures(user=owner, plan=plan)
    assert stalled["counted"]["recounting"]
    assert DashboardSnapshot.objects.get(key=key).recount_started > timezone.now() - datetime.timedelta(minutes=1)


def test_a_failed_recount_gives_the_claim_back(world, plan, monkeypatch):
    owner = world.users["owner"]
    dashboard_figures(user=owner, plan=plan)
    _train_three(world)

    def broken(**kwargs):
        raise RuntimeError("count failed")

    monkeypatch.setattr(dashboard, "count_sections", broken)
    with pytest.raises(RuntimeError):
        _claim_and_run(owner, plan)
    key = dashboard.reader_key(owner, plan, dashboard.period_of(plan, ""))
    assert DashboardSnapshot.objects.get(key=key).recount_started is None


def _claim_and_run(owner, plan):
    key = dashboard.reader_key(owner, plan, dashboard.period_of(plan, ""))
    assert dashboard.kept_claim(key)
    dashboard_recount.call(owner.pk, plan.pk, None)


def test_the_page_shows_progress_then_offers_the_new_figures(world, plan, client):
    owner = world.users["owner"]
    client.force_login(owner)
    client.get(URL)
    _train_three(world)
    with override_settings(TASKS=QUEUED):
        page = client.get(URL)
        html = page.content.decode()
        assert 'data-testid="recount-progress"' in html and "正在后台重新统计" in html
        shown = page.context["shown"]
        query = {"plan": plan.pk, "period": "", "shown": shown}
        note = client.get(RECOUNT, query).content.decode()
        assert 'data-testid="recount-progress"' in note and "hx-get" in note
    dashboard_recount.call(owner.pk, plan.pk, None)
    done = client.get(RECOUNT, query).content.decode()
    assert 'data-testid="recount-done"' in done and "查看最新数字" in done and "hx-get" not in done
    fresh = client.get(URL).content.decode()
    assert 'data-testid="computed-at"' in fresh and "recount-progress" not in fresh


def test_the_api_says_when_the_figures_were_counted(world, plan, client):
    owner = world.users["owner"]
    client.force_login(owner)
    client.get("/api/v1/insight/dashboard")
    _train_three(world)
    with override_settings(TASKS=QUEUED):
        body = client.get("/api/v1/insight/dashboard").json()
    assert body["counted"]["fresh"] is False and body["counted"]["recounting"] is True
    assert body["counted"]["label"]


@pytest.mark.parametrize("key", ["enterprise_a", "provider_a", "trainee_a"])
def test_the_recount_note_is_only_for_who_may_see_the_dashboard(world, plan, client, key):
    client.force_login(world.users[key])
    assert client.get(RECOUNT, {"plan": plan.pk}).status_code == 403


def test_a_district_and_the_city_keep_their_own_figures(world, plan):
    city = dashboard_figures(user=world.users["owner"], plan=plan)
    district = dashboard_figures(user=world.users["district_a"], plan=plan)
    assert city["scope"]["district_id"] is None and district["scope"]["district_id"]
    assert DashboardSnapshot.objects.count() == 2
    keys = {
        dashboard.reader_key(world.users[k], plan, dashboard.period_of(plan, p))
        for k in ("owner", "district_a")
        for p in ("", "6")
    }
    assert len(keys) == 4


def test_the_first_visit_counts_in_the_background_and_the_page_reloads_when_done(world, plan, client):
    owner = world.users["owner"]
    client.force_login(owner)
    with override_settings(TASKS=QUEUED):
        page = client.get(URL)
        html = page.content.decode()
        assert 'data-testid="first-count"' in html and "正在统计本方案、本期间的数字" in html
        assert page.context["data"]["sections"] == [] and 'data-testid="section-' not in html
        note = client.get(RECOUNT, {"plan": plan.pk, "period": ""})
        assert note.status_code == 200 and 'data-testid="first-count"' in note.content.decode()
        # A second first visit does not start a second count.
        key = dashboard.reader_key(owner, plan, dashboard.period_of(plan, ""))
        assert not dashboard.kept_begin(key, plan=plan, month=None)
    dashboard_recount.call(owner.pk, plan.pk, None)
    done = client.get(RECOUNT, {"plan": plan.pk, "period": ""})
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    assert 'data-testid="computed-at"' in client.get(URL).content.decode()


def test_the_api_and_the_export_count_before_they_answer(world, plan, client):
    owner = world.users["owner"]
    client.force_login(owner)
    with override_settings(TASKS=QUEUED):
        body = client.get("/api/v1/insight/dashboard").json()
        assert body["counted"]["fresh"] is True and len(body["sections"]) == len(dashboard.SECTIONS)
        DashboardSnapshot.objects.all().delete()
        response = client.get(URL, {"export": "xlsx", "figure": "training_region"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_first_count_that_stopped_is_taken_over(world, plan):
    owner = world.users["owner"]
    key = dashboard.reader_key(owner, plan, dashboard.period_of(plan, ""))
    with override_settings(TASKS=QUEUED):
        assert dashboard_figures(user=owner, plan=plan)["sections"] == []
        DashboardSnapshot.objects.filter(key=key).update(recount_started=timezone.now() - datetime.timedelta(minutes=3))
    data = dashboard_figures(user=owner, plan=plan)  # the tests' backend: counted at once
    assert data["counted"]["fresh"] and len(data["sections"]) == len(dashboard.SECTIONS)
