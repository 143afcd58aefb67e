"""A reader with a given scope, for work done in the background on behalf of the city or one
district (the monthly briefing, the stored prevention effect): the selectors the pages use then
narrow exactly as they do for an official of that scope, so the background figures are the
pages' figures."""

from dataclasses import dataclass

from yufang.core.scoping import Scope, ScopeKind


@dataclass(frozen=True)
class ScopeReader:
    """Quacks like a signed-in official for `scope_of` and the selectors: no roles of its own, so
    the selectors that narrow by role (a provider's own work) do not apply."""

    scope: Scope
    is_authenticated: bool = True
    is_active: bool = True
    pk: None = None
    organisation_id: None = None

    def has_role(self, *roles) -> bool:
        return False


def reader_for(region_id: int | None) -> ScopeReader:
    """The whole programme (region_id None) read as the owner reads it, or one district as its
    district bureau does."""
    if region_id:
        return ScopeReader(Scope(ScopeKind.REGION, region_id=region_id, read_only=True))
    return ScopeReader(Scope(ScopeKind.ALL, read_only=True))
