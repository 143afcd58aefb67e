"""Permission checks return (allowed, reason): the page shows the reason, the service refuses
with it. A check that knows the record's state says so: `not_now` is a refusal by the state of
the record at this moment (the page greys the button out with the reason; the service refuses
as it always did for that state, with a ValidationError unless told otherwise), `deny` a
refusal by who asks (the page hides the button; the service answers PermissionDenied)."""

from django.core.exceptions import PermissionDenied, ValidationError


class Verdict(tuple):
    """(allowed, reason), unpacked like every other check, that also tells the page whether a
    refusal is about the record's state (`by_state`) and the service which error to raise."""

    by_state: bool
    error: type[Exception]

    def __new__(cls, allowed: bool, reason: str = "", *, by_state: bool = False, error=PermissionDenied):
        verdict = super().__new__(cls, (allowed, reason))
        verdict.by_state = by_state
        verdict.error = error
        return verdict

    @property
    def allowed(self) -> bool:
        return self[0]

    @property
    def reason(self) -> str:
        return self[1]


def allow() -> Verdict:
    return Verdict(True)


def deny(reason: str) -> Verdict:
    """Refused because of who asks: the page does not offer it."""
    return Verdict(False, reason)


def not_now(reason: str, *, error: type[Exception] = ValidationError) -> Verdict:
    """Refused because of the record's state now: the page shows the button greyed out with the
    reason. `error` keeps the exception the service has always raised for that state."""
    return Verdict(False, reason, by_state=True, error=error)


def can_view_audit_log(user) -> tuple[bool, str]:
    if user.is_authenticated and user.is_programme_owner:
        return True, ""
    return False, "只有市人社局可以查看全部审计记录。"


def require(check: tuple[bool, str], *, page: bool = False) -> None:
    """Refuses with the check's reason: the one guard services and views put before a write.
    A service raises the check's own error (a state refusal is a ValidationError, as a form
    shows it); a page (`page=True`) that cannot be used now answers 403 with the reason."""
    allowed, reason = check
    if allowed:
        return
    error = getattr(check, "error", PermissionDenied)
    if page or error is PermissionDenied:
        raise PermissionDenied(reason)
    raise error(reason)
