"""Money under real concurrent transactions (PostgreSQL only): the total approved and paid on an
agreement never passes its price, a payment is paid once, an advance is requested once."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections

from yufang.plans.models import BudgetEntry
from yufang.plans.tests.factories import item
from yufang.projects import services
from yufang.projects.models import Payment, PaymentStatus, ProjectStatus

from .factories import make_project

D = Decimal

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _race(calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    results: list[str] = []

    def run(call):
        try:
            barrier.wait()
            call()
            results.append("ok")
        except (ValidationError, IntegrityError) as e:
            results.append(" ".join(getattr(e, "messages", [str(e)])))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_advance_requests_make_one_payment(world):
    project = make_project(world, status=ProjectStatus.IN_PROGRESS)
    provider = world.users["provider_a"]
    results = _race([lambda: services.payment_request(project=project, kind="advance", actor=provider)] * 4)
    assert results.count("ok") == 1
    assert all("只能申请一次" in r for r in results if r != "ok")
    assert Payment.objects.filter(project=project).count() == 1


def test_concurrent_approvals_never_pass_the_price(world):
    """Two requests that each fit, but not together (written directly, as if the price had been
    amended down after they were made), approved at the same moment: one passes."""
    project = make_project(world, status=ProjectStatus.ACCEPTED)
    payments = [
        Payment.objects.create(project=project, kind=kind, amount=D("60000.00"), status=PaymentStatus.REVIEWED)
        for kind in ("advance", "balance")
    ]
    results = _race(
        [
            lambda p=p: services.payment_transition(
                payment=Payment.objects.get(pk=p.pk), action="approve", actor=world.owner
            )
            for p in payments
        ]
    )
    assert results.count("ok") == 1
    assert any("超过协议金额扣减后的 100,000.00 元" in r for r in results)
    assert Payment.objects.filter(status=PaymentStatus.APPROVED).count() == 1


def test_a_payment_paid_twice_at_once_is_paid_once(world):
    project = make_project(world, status=ProjectStatus.IN_PROGRESS)
    payment = services.payment_request(project=project, kind="advance", actor=world.users["provider_a"])
    services.payment_transition(payment=payment, action="review", actor=world.users["agency"])
    services.payment_transition(payment=payment, action="approve", actor=world.owner)
    results = _race(
        [
            lambda n=n: services.payment_transition(
                payment=Payment.objects.get(pk=payment.pk),
                action="pay",
                actor=world.users["agency"],
                voucher_number=f"PZ-{n}",
                paid_on=datetime.date(2024, 1, 5),
            )
            for n in range(4)
        ]
    )
    assert results.count("ok") == 1
    project.agreement.refresh_from_db()
    assert project.agreement.paid == D("30000.00")
    assert item(project.plan, "危险化学品").paid == D("30000.00")
    assert BudgetEntry.objects.filter(kind="pay").count() == 1
