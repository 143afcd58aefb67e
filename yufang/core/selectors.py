from django.db.models import Q, QuerySet

from .models import AuditLog


def audit_log_search(
    *, q: str = "", action: str = "", model: str = "", date_from=None, date_to=None
) -> QuerySet[AuditLog]:
    qs = AuditLog.objects.select_related("content_type")
    if q:
        qs = qs.filter(Q(actor_repr__icontains=q) | Q(object_repr__icontains=q) | Q(event__icontains=q))
    if action:
        qs = qs.filter(action=action)
    if model:
        app_label, _, model_name = model.partition(".")
        qs = qs.filter(content_type__app_label=app_label, content_type__model=model_name)
    if date_from:
        qs = qs.filter(occurred_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_at__date__lte=date_to)
    # Related names in the changes are fetched once per model for the page, not once per entry.
    return qs.readable()
