"""Releasing committed-but-unpaid money: one service, used by an agreement's termination and by a
project's settlement or failure."""

from decimal import Decimal

from django.db import transaction

from yufang.plans.models import BudgetItem
from yufang.providers.models import ServiceAgreement
from yufang.providers.services import agreement_release_unpaid

from .factories import signed_agreement


def test_the_unpaid_commitment_goes_back_to_the_item_once(world):
    agreement = signed_agreement(world)
    item_before = BudgetItem.objects.get(pk=agreement.item_id).committed
    with transaction.atomic():
        locked = ServiceAgreement.objects.select_for_update().select_related("item").get(pk=agreement.pk)
        released = agreement_release_unpaid(agreement=locked, actor=world.users["agency"], source=locked)
        locked.save(update_fields=["committed", "updated_at"])
    assert released == agreement.price and locked.committed == Decimal("0")
    assert BudgetItem.objects.get(pk=agreement.item_id).committed == item_before - agreement.price
    with transaction.atomic():
        again = agreement_release_unpaid(agreement=locked, actor=world.users["agency"], source=locked)
    assert again == Decimal("0")
    assert BudgetItem.objects.get(pk=agreement.item_id).committed == item_before - agreement.price
