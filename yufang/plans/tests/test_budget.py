import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from yufang.plans.models import BudgetEntry, BudgetItem, BudgetLine
from yufang.plans.services import budget_commit, budget_pay, budget_release
from yufang.plans.tests.factories import item, make_plan

D = Decimal


def test_commit_release_pay_move_item_and_line(world):
    plan = make_plan(world)
    hazchem = item(plan, "危险化学品")
    budget_commit(item=hazchem, amount=D("300000.00"), actor=world.users["agency"], source=plan)
    budget_pay(item=hazchem, amount=D("90000.00"), actor=world.users["agency"], source=plan)
    budget_release(item=hazchem, amount=D("10000.00"), actor=world.users["agency"], source=plan)
    hazchem.refresh_from_db()
    line = BudgetLine.objects.get(plan=plan, category="training")
    assert (hazchem.committed, hazchem.paid) == (D("290000.00"), D("90000.00"))
    assert (line.committed, line.paid) == (D("290000.00"), D("90000.00"))
    assert BudgetEntry.objects.filter(item=hazchem).count() == 3


def test_cannot_overspend_an_item_or_pay_beyond_commitment(world):
    plan = make_plan(world)
    online = item(plan, "云享平台")
    with pytest.raises(ValidationError, match="剩余 200,000.00 元，不足 200,000.01 元"):
        budget_commit(item=online, amount=D("200000.01"), actor=world.owner, source=plan)
    budget_commit(item=online, amount=D("100000.00"), actor=world.owner, source=plan)
    with pytest.raises(ValidationError, match="将超过承诺额"):
        budget_pay(item=online, amount=D("100000.01"), actor=world.owner, source=plan)
    with pytest.raises(ValidationError, match="两位小数"):
        budget_commit(item=online, amount=D("1.005"), actor=world.owner, source=plan)
    with pytest.raises(ValidationError, match="不能为负数"):
        budget_commit(item=online, amount=D("-5.00"), actor=world.owner, source=plan)


def test_draft_plan_cannot_commit(world):
    plan = make_plan(world, issue=False)
    with pytest.raises(ValidationError, match="尚未印发"):
        budget_commit(item=item(plan, "云享平台"), amount=D("1.00"), actor=world.owner, source=plan)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_commits_never_pass_the_item(world):
    plan = make_plan(world)
    online = item(plan, "云享平台")  # 200,000.00
    barrier = threading.Barrier(8)
    results: list[str] = []

    def sign():
        try:
            barrier.wait()
            budget_commit(
                item=BudgetItem.objects.get(pk=online.pk), amount=D("30000.00"), actor=world.owner, source=plan
            )
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    online.refresh_from_db()
    assert results.count("ok") == 6 and results.count("refused") == 2
    assert online.committed == D("180000.00")
    assert BudgetLine.objects.get(plan=plan, category="training").committed == D("180000.00")
