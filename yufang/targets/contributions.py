"""What the targets app adds to the apps it builds on (through core.registry, so that those apps
never import this one): a person's completions in their archive, and the recount of the targets
that count key enterprises when the agency marks or unmarks one."""

from yufang.core.registry import KEY_ENTERPRISES_CHANGED, PERSON_ARCHIVE, contribute
from yufang.core.scoping import scoped

from .models import Completion
from .services import key_enterprise_targets_recount


def person_archive_parts(user, person) -> dict[str, list]:
    completions = list(
        scoped(user, Completion)
        .filter(person=person)
        .select_related("provider", "enterprise", "revocation")
        .order_by("-completed_on", "-pk")
    )
    return {"completions": completions}


def key_enterprises_changed(year: int) -> None:
    key_enterprise_targets_recount(year=year)


def register() -> None:
    contribute(PERSON_ARCHIVE, person_archive_parts)
    contribute(KEY_ENTERPRISES_CHANGED, key_enterprises_changed)
