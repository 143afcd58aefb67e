from django.db.models import Q, QuerySet

from yufang.core.scoping import scoped

from .models import Organisation, Role, User
from .permissions import SELF_MANAGED_KINDS


def organisation_list(*, user, q: str = "", kind: str = "", region=None) -> QuerySet[Organisation]:
    qs = scoped(user, Organisation).select_related("region", "city")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(credit_code__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if region is not None:
        qs = qs.filter(region=region)
    return qs


def user_list(
    *, user, q: str = "", role: str = "", organisation_kind: str = "", is_active: str = "", organisation=None
) -> QuerySet[User]:
    qs = scoped(user, User).select_related("organisation").prefetch_related("roles")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if role:
        qs = qs.filter(roles__role=role)
    if organisation_kind:
        qs = qs.filter(organisation__kind=organisation_kind)
    if is_active:
        qs = qs.filter(is_active=is_active == "1")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.distinct()


def organisations_managed_by(user) -> QuerySet[Organisation]:
    """Organisations in which this user may create accounts (see permissions.can_manage_users_of)."""
    qs = Organisation.objects.filter(is_active=True)
    if user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF):
        return qs
    if user.has_role(Role.PROVIDER_STAFF, Role.ENTERPRISE_CONTACT):
        return qs.filter(pk=user.organisation_id, kind__in=SELF_MANAGED_KINDS)
    return qs.none()
