"""The demo's providers part (yufang/demo/providers.py), here so that pytest collects it."""

import datetime
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from yufang.core.models import AuditLog
from yufang.plans.models import BudgetItem
from yufang.providers.models import Debarment, Qualification, ServiceAgreement


def test_demo_providers_and_agreements(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    audit_count = AuditLog.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert AuditLog.objects.count() == audit_count
    # The five agreements of this part (one for each publicity item, two for training); the
    # projects demo later settles the new-media one (completed, its deduction released) and adds
    # one more that fails acceptance.
    five = ServiceAgreement.objects.filter(procurement__isnull=False, status__in=["in_force", "completed"])
    assert five.count() == 5
    for agreement in five.filter(status="in_force"):
        assert BudgetItem.objects.get(pk=agreement.item_id).committed == agreement.price
    assert sum(a.price for a in five) == Decimal("1258000.00")
    assert five.get(provider__name="淄博融媒文化传播有限公司").procurement.method == "single_source"
    assert five.get(provider__name="淄博广电传媒集团有限公司").procurement.method == "single_source"
    publicity_items = BudgetItem.objects.filter(line__category="publicity")
    assert sorted(five.filter(item__in=publicity_items).values_list("item__name", flat=True)) == sorted(
        publicity_items.values_list("name", flat=True)
    )
    assert Debarment.objects.get(decision_number="淄人社字〔2021〕47号").provider.name == "淄博安培职业技能培训中心"
    assert Qualification.objects.filter(kind="hazchem").get().provider.name == "山东齐安安全技术服务有限公司"
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=60)
    assert Qualification.objects.filter(valid_to__gte=today, valid_to__lte=soon).count() == 1
