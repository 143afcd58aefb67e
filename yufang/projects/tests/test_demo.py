"""The demo's projects part (yufang/demo/projects.py): every state it promises, and idempotent."""

from decimal import Decimal

from django.core.management import call_command

from yufang.projects.models import ExtensionStatus, Project, ProjectStatus
from yufang.providers.models import Debarment


def test_demo_projects(db):
    call_command("load_demo", scale=0.02, stdout=open("/dev/null", "w"))
    call_command("load_demo", scale=0.02, stdout=open("/dev/null", "w"))
    projects = {p.provider.short_name: p for p in Project.objects.select_related("provider", "agreement")}
    assert len(projects) == 6
    # The traditional-media and printed-material projects: in progress, their work recorded as
    # publicity deliverables and their reports before December accepted.
    for name in ("淄博广电", "鲁中印务"):
        assert projects[name].status == ProjectStatus.IN_PROGRESS
        assert projects[name].deliverables.filter(status="accepted").exists()
        assert projects[name].reports.filter(status="accepted").exists()
    hazchem = projects["齐安安全"]
    assert hazchem.status == ProjectStatus.IN_PROGRESS
    assert set(hazchem.reports.values_list("status", flat=True)) == {"accepted", "submitted", "due"}
    extended = projects["众诚培训"]
    assert extended.extensions.get().status == ExtensionStatus.CONFIRMED
    assert str(extended.original_deadline) == "2023-12-31" and str(extended.deadline) == "2024-03-31"
    settled = next(p for p in projects.values() if p.status == ProjectStatus.SETTLED)
    assert settled.deductions.get().status == "upheld"
    assert settled.agreement.paid == settled.agreement.price - Decimal("8000.00")
    failed = next(p for p in projects.values() if p.status == ProjectStatus.FAILED)
    assert Debarment.objects.filter(provider=failed.provider, ground="failed_acceptance").count() == 1
