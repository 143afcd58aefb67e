"""What the quiz adds to the apps below it (through core.registry): the figures of the targets
that count the quiz (enterprises reached, participants), and the competitions on a publicity
project's page and in its completion report."""

from django.db.models import Count
from django.template.loader import render_to_string

from yufang.core.registry import COMPLETION_PANELS, PROJECT_PANELS, TARGET_VALUES, contribute
from yufang.core.scoping import scoped

from .models import Competition, Participant
from .scoping import PUBLIC
from .selectors import totals


def _counted(target, region_id):
    qs = Participant.objects.filter(
        competition__plan_id=target.plan_id,
        competition__status__in=PUBLIC,
        joined_at__date__lte=target.deadline,
    )
    if region_id is not None:
        qs = qs.filter(region_id=region_id)
    return qs


def target_value(target, region_id: int | None) -> int | None:
    """Participants: distinct ID numbers over the plan's competitions. Enterprises reached:
    register enterprises whose distinct participants reach the target's number."""
    if target.metric == "quiz_participants":
        return _counted(target, region_id).values("id_hash").distinct().count()
    if target.metric == "quiz_enterprises":
        return (
            _counted(target, region_id)
            .exclude(enterprise=None)
            .values("enterprise_id")
            .annotate(n=Count("id_hash", distinct=True))
            .filter(n__gte=target.min_participants)
            .count()
        )
    return None


def project_panel(request, project) -> str:
    competitions = list(scoped(request.user, Competition).filter(project=project).order_by("pk"))
    if not competitions:
        return ""
    rows = [(c, totals(c)) for c in competitions]
    return render_to_string("quiz/_project_panel.html", {"rows": rows}, request=request)


def register() -> None:
    contribute(TARGET_VALUES, target_value)
    contribute(PROJECT_PANELS, project_panel)
    contribute(COMPLETION_PANELS, project_panel)
