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
    # The three agreements of this part; the projects demo later settles the publicity one
    # (completed, its deduction released) and adds a fourth that fails acceptance.
    three = ServiceAgreement.objects.filter(procurement__isnull=False, status__in=["in_force", "completed"])
    assert three.count() == 3
    for agreement in three.filter(status="in_force"):
        assert BudgetItem.objects.get(pk=agreement.item_id).committed == agreement.price
    assert sum(a.price for a in three) == Decimal("1010000.00")
    assert three.get(provider__name="淄博融媒文化传播有限公司").procurement.method == "single_source"
    assert Debarment.objects.get(decision_number="淄人社字〔2021〕47号").provider.name == "淄博安培职业技能培训中心"
    assert Qualification.objects.filter(kind="hazchem").get().provider.name == "山东齐安安全技术服务有限公司"
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=60)
    assert Qualification.objects.filter(valid_to__gte=today, valid_to__lte=soon).count() == 1
