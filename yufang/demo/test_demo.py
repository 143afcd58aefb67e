from django.core.management import call_command

from yufang.accounts.models import Organisation, User
from yufang.core.models import AuditLog


def test_demo_loads_every_role_and_is_idempotent(db):
    call_command("load_demo", scale=0.02, stdout=open("/dev/null", "w"))
    counts = (Organisation.objects.count(), User.objects.count(), AuditLog.objects.count())
    call_command("load_demo", scale=0.02, stdout=open("/dev/null", "w"))
    assert (Organisation.objects.count(), User.objects.count(), AuditLog.objects.count()) == counts
    assert Organisation.objects.filter(kind="district").count() == 11
    # The three 2023 providers, one debarred in an earlier year, and the projects demo's online
    # provider that fails acceptance.
    assert Organisation.objects.filter(kind="provider").count() == 5
    assert Organisation.objects.filter(kind="enterprise").count() >= 12
    for username in ("owner", "agency", "health", "district", "provider", "enterprise", "trainee"):
        assert User.objects.get(username=username).check_password("yufang-demo")
