from django.db.models import Q

from yufang.core import scoping

from .models import City, Industry, Position, Region, Synonym


def _everyone(scope):
    return Q()


# Reference data is read by every signed-in user.
for model in (City, Region, Industry, Position, Synonym):
    scoping.register(model, region=_everyone, organisation=_everyone, self=_everyone)
