"""The providers' 待办 items on each user's home page: expiring qualifications and profiles to
verify for the owner and agency, agreements to sign for the agency, agreements to confirm for the
provider. Registered in apps.py."""

from django.urls import reverse
from django.utils import timezone

from yufang.accounts.models import Role
from yufang.core.registry import Todo

from .models import AgreementStatus, VerificationStatus
from .selectors import agreements_awaiting, provider_list, qualifications_expiring


def provider_todos(user) -> list[Todo]:
    items = []
    if user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF):
        day = timezone.localdate()
        expiring = list(qualifications_expiring(user=user, on_date=day)[:20])
        if expiring:
            items.append(
                Todo(
                    "服务机构资质即将到期（60 天内）",
                    reverse("providers:qualification_list") + "?expiring=soon",
                    count=len(expiring),
                    detail="；".join(
                        f"{q.provider.name} {q.get_kind_display()} {q.valid_to:%Y-%m-%d} 到期" for q in expiring[:3]
                    ),
                    level="warning",
                )
            )
        pending = provider_list(user=user, status=VerificationStatus.PENDING).count()
        if pending:
            items.append(
                Todo("服务机构资料待核验", reverse("providers:provider_list") + "?status=pending", count=pending)
            )
    if user.is_agency:
        confirmed = agreements_awaiting(user=user, status=AgreementStatus.CONFIRMED).count()
        if confirmed:
            items.append(
                Todo(
                    "服务机构已确认、待签订的协议",
                    reverse("providers:agreement_list") + "?status=confirmed",
                    count=confirmed,
                )
            )
    if user.has_role(Role.PROVIDER_STAFF):
        sent = agreements_awaiting(user=user, status=AgreementStatus.SENT).count()
        if sent:
            items.append(
                Todo(
                    "待本机构确认的服务协议",
                    reverse("providers:agreement_list") + "?status=sent",
                    count=sent,
                    level="warning",
                )
            )
    return items
