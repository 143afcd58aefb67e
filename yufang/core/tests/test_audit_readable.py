"""Histories people can read (issue 15, item 1): labels, names, 是/否, local time, Chinese field
names, no secrets, whatever the service recorded."""

from django.contrib.contenttypes.models import ContentType

from yufang.core.audit import SECRET_TEXT, history, snapshot
from yufang.core.models import AuditAction, AuditLog
from yufang.training.models import TrainingSession


def test_organisation_history_shows_labels_names_and_yes_no(world):
    org = world.orgs["enterprise_a"]
    rows = {label: new for entry in history(org) for label, _old, new in entry.change_rows}
    assert rows["机构类型"] == "企业"
    assert rows["所在区县"] == org.region.name
    assert rows["启用"] == "是"
    text = " ".join(f"{label}{new}" for label, new in rows.items())
    assert "enterprise" not in text and "True" not in text


def test_session_secret_never_written_nor_shown(world):
    session = TrainingSession(qr_secret="s3cr3t-value", status="closed")
    assert snapshot(session, ["qr_secret", "status"]) == {"qr_secret": SECRET_TEXT, "status": "closed"}
    # A row written before secrets were redacted is still shown without the secret.
    old = AuditLog.objects.create(
        actor_repr="系统",
        action=AuditAction.UPDATE,
        content_type=ContentType.objects.get_for_model(TrainingSession),
        object_id="1",
        object_repr="场次",
        changes={
            "qr_secret": [None, "s3cr3t-value"],
            "status": ["scheduled", "closed"],
            "starts_at": [None, "2023-10-17T01:00:00+00:00"],
            "region": [None, world.orgs["enterprise_a"].region_id],
            "completed_count": [0, 36],
        },
    )
    rendered = " ".join(f"{label}:{old}->{new}" for label, old, new in old.change_rows)
    assert "s3cr3t" not in rendered and "qr" not in rendered.lower()
    assert "状态:已排期->已结束并认定" in rendered
    assert "2023-10-17 09:00" in rendered  # UTC stored, Asia/Shanghai shown
    assert world.orgs["enterprise_a"].region.name in rendered
    assert "认定完成人数:0->36" in rendered
