"""Signing under real concurrent transactions (PostgreSQL only)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from yufang.plans.models import BudgetEntry
from yufang.plans.tests.factories import item, make_plan
from yufang.providers import services
from yufang.providers.models import AgreementStatus, ServiceAgreement

from .factories import make_agreement, ready_provider, to_confirmed

D = Decimal

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _race(world, agreements: list[ServiceAgreement]) -> list[str]:
    barrier = threading.Barrier(len(agreements))
    results: list[str] = []

    def sign(pk):
        try:
            barrier.wait()
            services.agreement_transition(
                agreement=ServiceAgreement.objects.get(pk=pk), action="sign", actor=world.users["agency"]
            )
            results.append("ok")
        except ValidationError as e:
            results.append(" ".join(e.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(a.pk,)) for a in agreements]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_the_same_agreement_signed_twice_at_once_commits_once(world):
    plan = make_plan(world)
    ready_provider(world, "a")
    agreement = to_confirmed(world, make_agreement(world, plan, price=D("300000.00")))
    results = _race(world, [agreement, agreement, agreement, agreement])
    assert results.count("ok") == 1
    assert all("当前状态为「已签订」" in r for r in results if r != "ok")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED
    assert item(plan, "危险化学品").committed == D("300000.00")
    assert BudgetEntry.objects.count() == 1


def test_agreements_racing_for_one_item_never_pass_its_budget(world):
    plan = make_plan(world)
    ready_provider(world, "a")
    agreements = [to_confirmed(world, make_agreement(world, plan, price=D("150000.00"))) for _ in range(5)]
    results = _race(world, agreements)
    assert results.count("ok") == 3  # 500,000 / 150,000
    assert all("不足 150,000.00 元" in r for r in results if r != "ok")
    assert item(plan, "危险化学品").committed == D("450000.00")
    assert ServiceAgreement.objects.filter(status=AgreementStatus.SIGNED).count() == 3
    assert ServiceAgreement.objects.filter(status=AgreementStatus.CONFIRMED, committed=0).count() == 2
