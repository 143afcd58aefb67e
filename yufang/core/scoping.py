"""One place that decides which records a user may see (programme-wide, a district, an
organisation, oneself). Every list, detail, edit, export and API query goes through `scoped`.
A model that is not registered shows nothing: the mechanism fails closed."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404


class ScopeKind(StrEnum):
    ALL = "all"
    REGION = "region"
    ORGANISATION = "organisation"
    SELF = "self"
    NONE = "none"


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    user_id: int | None = None
    organisation_id: int | None = None
    region_id: int | None = None
    read_only: bool = False
    # A partner department (health, emergency, finance): programme-wide reading of the
    # programme's records, but none of the models registered with partners=False.
    partner: bool = False


NOTHING = Scope(ScopeKind.NONE)
Rule = Callable[[Scope], Q]

_rules: dict[type[models.Model], dict[ScopeKind, Rule]] = {}
_hidden_from_partners: set[type[models.Model]] = set()


def register(
    model: type[models.Model],
    *,
    all: Rule | None = None,  # noqa: A002 - named after the scope kind
    region: Rule | None = None,
    organisation: Rule | None = None,
    self: Rule | None = None,
    partners: bool = True,
) -> None:
    """Declare how a model narrows for each scope kind; ALL sees everything unless told
    otherwise, an omitted kind sees nothing. partners=False: personal records (people, their
    attendance and study, accounts) that partner departments do not see."""
    rules: dict[ScopeKind, Rule] = {ScopeKind.ALL: all or (lambda scope: Q())}
    if region is not None:
        rules[ScopeKind.REGION] = region
    if organisation is not None:
        rules[ScopeKind.ORGANISATION] = organisation
    if self is not None:
        rules[ScopeKind.SELF] = self
    _rules[model] = rules
    if not partners:
        _hidden_from_partners.add(model)


def registered_models() -> list[type[models.Model]]:
    return list(_rules)


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    return user.scope


def scoped(user, queryset: models.QuerySet | type[models.Model]) -> models.QuerySet:
    if not isinstance(queryset, models.QuerySet):
        queryset = queryset._default_manager.all()
    rules = _rules.get(queryset.model)
    if rules is None:
        raise LookupError(f"{queryset.model.__name__} has no scoping rules")
    scope = scope_of(user)
    rule = rules.get(scope.kind)
    if rule is None or (scope.partner and queryset.model in _hidden_from_partners):
        return queryset.none()
    return queryset.filter(rule(scope))


def get_scoped_or_404(user, queryset: models.QuerySet | type[models.Model], **lookup):
    """Another organisation's record answers exactly like a missing one."""
    qs = scoped(user, queryset)
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError, OverflowError, ValidationError):
        raise Http404("未找到该记录。") from None
