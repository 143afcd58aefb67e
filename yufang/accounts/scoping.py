from django.db.models import Q

from yufang.core import scoping

from .models import ApiToken, Notification, Organisation, User

scoping.register(
    Organisation,
    region=lambda s: Q(region_id=s.region_id),
    organisation=lambda s: Q(pk=s.organisation_id),
    self=lambda s: Q(pk=s.organisation_id),
    partners=False,
)
scoping.register(
    User,
    region=lambda s: Q(organisation__region_id=s.region_id),
    organisation=lambda s: Q(organisation_id=s.organisation_id),
    self=lambda s: Q(pk=s.user_id),
    partners=False,
)
# A token is its owner's alone, whatever the role.
_own = lambda s: Q(user_id=s.user_id)  # noqa: E731
scoping.register(ApiToken, all=_own, region=_own, organisation=_own, self=_own)
# A notification is its addressee's alone.
_addressee = lambda s: Q(user_id=s.user_id)  # noqa: E731
scoping.register(Notification, all=_addressee, region=_addressee, organisation=_addressee, self=_addressee)
