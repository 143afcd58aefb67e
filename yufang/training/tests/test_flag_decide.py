"""Several flags decided with one note: each through the flag workflow, audited per flag, all or
none, and only flags the user may see and decide."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from yufang.core.models import AuditLog
from yufang.training.models import Flag, FlagStatus

from .factories import import_roster, make_session, people_rows

pytestmark = pytest.mark.django_db


def _flags(world, side="a"):
    session = make_session(world, side=side)
    rows = people_rows(3)
    import_roster(world, session, rows + [rows[0], rows[1]], side=side)
    flags = list(Flag.objects.filter(session=session, status=FlagStatus.OPEN))
    assert len(flags) >= 2
    return flags


def _audits(flag):
    return AuditLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Flag), object_id=str(flag.pk), event__in=["confirm", "dismiss"]
    )


def test_agency_decides_several_flags_with_one_note_audited_per_flag(world, client):
    flags = _flags(world)
    client.force_login(world.users["agency"])
    page = client.get(reverse("training:flag_list")).content.decode()
    assert 'data-testid="flag-decide"' in page and page.count('data-testid="flag-select"') == len(flags)
    response = client.post(
        reverse("training:flag_decide"),
        {"flag": [f.pk for f in flags], "action": "dismiss", "note": "同名同号为花名册录入重复，已核对签到表"},
        follow=True,
    )
    assert f"已将 {len(flags)} 条线索核实无问题" in response.content.decode()
    for flag in flags:
        flag.refresh_from_db()
        assert flag.status == FlagStatus.DISMISSED and flag.review_note.startswith("同名同号")
        log = _audits(flag).get()
        assert log.actor == world.users["agency"] and log.extra["note"].startswith("同名同号")
    # Decided flags lose their checkbox.
    assert 'data-testid="flag-select"' not in client.get(reverse("training:flag_list")).content.decode()


def test_one_flag_that_cannot_be_decided_leaves_none_decided(world, client):
    flags = _flags(world)
    client.force_login(world.users["agency"])
    client.post(reverse("training:flag_decide"), {"flag": [flags[0].pk], "action": "confirm", "note": "已核实"})
    response = client.post(
        reverse("training:flag_decide"),
        {"flag": [f.pk for f in flags], "action": "dismiss", "note": "批量"},
        follow=True,
    )
    assert "不能执行此操作" in response.content.decode()
    assert Flag.objects.get(pk=flags[1].pk).status == FlagStatus.OPEN
    assert not _audits(flags[1]).exists()
    # A note is required.
    response = client.post(reverse("training:flag_decide"), {"flag": [flags[1].pk], "action": "dismiss"}, follow=True)
    assert "请填写说明" in response.content.decode()
    assert Flag.objects.get(pk=flags[1].pk).status == FlagStatus.OPEN


def test_only_flags_the_user_may_decide(world, client):
    flags = _flags(world)
    ids = [f.pk for f in flags]
    # The provider sees its session's flags but does not decide them: nothing changes, no checkboxes.
    client.force_login(world.users["provider_a"])
    assert 'data-testid="flag-decide"' not in client.get(reverse("training:flag_list")).content.decode()
    response = client.post(
        reverse("training:flag_decide"), {"flag": ids, "action": "confirm", "note": "x"}, follow=True
    )
    assert "异常线索由经办机构核查" in response.content.decode()
    # Another provider's flags are not found.
    client.force_login(world.users["provider_b"])
    assert (
        client.post(reverse("training:flag_decide"), {"flag": ids, "action": "confirm", "note": "x"}).status_code == 404
    )
    assert not Flag.objects.filter(pk__in=ids).exclude(status=FlagStatus.OPEN).exists()
