"""The public page of an issued plan: readable without signing in, aggregate figures only."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yufang.plans.tests.factories import make_plan
from yufang.targets import services as target_services
from yufang.targets.models import Metric
from yufang.targets.tests.factories import complete, make_batch, make_people


@pytest.fixture
def issued(world):
    plan = make_plan(world)
    target_services.target_save(
        actor=world.owner,
        plan=plan,
        data={
            "name": "全年培训人数",
            "metric": Metric.PERSONS,
            "threshold": Decimal(30),
            "deadline": datetime.date(2023, 12, 31),
        },
    )
    people = make_people(world.owner, world.orgs["enterprise_a"], 12, industry="construction", positions=["worker"])
    complete(
        world.owner, people, mode="offline", day=datetime.date(2023, 6, 1), source=make_batch(world.owner, "批次", 2023)
    )
    return plan, people


def test_an_issued_plan_is_public_with_its_results_and_nothing_personal(world, issued):
    plan, people = issued
    anonymous = Client()
    index = anonymous.get(reverse("public:plans"))
    assert index.status_code == 200 and plan.title in index.content.decode()
    response = anonymous.get(reverse("public:plan", args=[plan.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert plan.title in body and plan.doc_number in body and "此件主动公开" in body
    assert "全年培训人数" in body and 'data-testid="public-results"' in body
    assert "12 人" in body  # achieved, and the people trained offline
    for p in people:
        assert p.name not in body
        assert p.id_number not in body and p.id_number[-4:] + "<" not in body
    assert world.orgs["enterprise_a"].name not in body
    assert "public" in response["Cache-Control"]


def test_a_plan_whose_year_is_not_over_shows_no_results_yet(world):
    plan = make_plan(world, year=timezone.localdate().year + 1)
    body = Client().get(reverse("public:plan", args=[plan.pk])).content.decode()
    assert 'data-testid="public-pending"' in body and 'data-testid="public-results"' not in body


def test_an_unissued_plan_is_not_public(world):
    draft = make_plan(world, issue=False)
    anonymous = Client()
    assert anonymous.get(reverse("public:plan", args=[draft.pk])).status_code == 404
    assert anonymous.get(reverse("public:plan_document", args=[draft.pk])).status_code == 404
    assert draft.title not in anonymous.get(reverse("public:plans")).content.decode()
    assert anonymous.get(reverse("public:plan", args=[99999])).status_code == 404


def test_the_public_pages_are_throttled_per_address(world, issued, monkeypatch):
    from yufang.insight import views

    monkeypatch.setattr(views, "PUBLIC_LIMIT", 3)
    plan, _ = issued
    anonymous = Client()
    codes = [anonymous.get(reverse("public:plan", args=[plan.pk])).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_the_login_page_links_the_public_plans(db):
    body = Client().get(reverse("accounts:login")).content.decode()
    assert reverse("public:plans") in body


def test_a_revoked_completion_is_not_among_the_people_trained(world, issued):
    from yufang.projects.tests.factories import make_project
    from yufang.targets.models import Completion
    from yufang.targets.tests.test_revocation import confirmed_flag, revoke

    plan, people = issued
    completion = Completion.objects.filter(year=2023, person=people[0]).get()
    revoke(world, completion, confirmed_flag(world, people[0], make_project(world, plan)))
    body = Client().get(reverse("public:plan", args=[plan.pk])).content.decode()
    assert "线下培训 <strong>11</strong> 人" in body  # the people trained, by mode
