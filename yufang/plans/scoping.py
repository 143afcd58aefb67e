from django.db.models import Q

from yufang.core import scoping

from .models import BudgetEntry, BudgetItem, BudgetLine, Plan

PUBLISHED = ("issued", "closed")

# Plans are public documents once issued (此件主动公开): districts, providers and enterprises read
# issued plans; drafts stay with the programme-wide officials.
scoping.register(
    Plan,
    region=lambda s: Q(status__in=PUBLISHED),
    organisation=lambda s: Q(status__in=PUBLISHED),
)
scoping.register(
    BudgetLine,
    region=lambda s: Q(plan__status__in=PUBLISHED),
    organisation=lambda s: Q(plan__status__in=PUBLISHED),
)
scoping.register(
    BudgetItem,
    region=lambda s: Q(line__plan__status__in=PUBLISHED),
    organisation=lambda s: Q(line__plan__status__in=PUBLISHED),
)
# The ledger (who was paid what) is for officials.
scoping.register(BudgetEntry, region=lambda s: Q(item__line__plan__status__in=PUBLISHED))
