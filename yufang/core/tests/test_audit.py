import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from yufang.accounts import services
from yufang.core.models import AuditAction, AuditLog

from .append_only import delete_paths


@pytest.fixture
def entry(world):
    return AuditLog.objects.for_object(world.users["trainee_a"]).first()


def test_services_write_audit_records_with_old_and_new_values(world):
    user = world.users["trainee_a"]
    services.user_update(actor=world.owner, user=user, data={"display_name": "新名字"})
    entry = AuditLog.objects.for_object(user).filter(action=AuditAction.UPDATE).first()
    assert entry.actor == world.owner
    assert entry.changes == {"display_name": ["t_trainee_a", "新名字"]}


def test_personal_identifiers_in_audit_values_are_masked(world):
    user = world.users["trainee_a"]
    services.user_update(actor=world.owner, user=user, data={"phone": "13812345678"})
    entry = AuditLog.objects.for_object(user).filter(action=AuditAction.UPDATE).first()
    assert entry.changes["phone"] == ["139****0000", "138****5678"]
    create = AuditLog.objects.for_object(user).get(action=AuditAction.CREATE)
    assert "13900000000" not in str(create.changes)


def test_orm_cannot_change_or_delete(entry):
    entry.object_repr = "篡改"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).update(object_repr="篡改")
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).delete()


def test_database_refuses_raw_update(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditlog SET object_repr = %s WHERE id = %s", ["篡改", entry.pk])
    assert AuditLog.objects.get(pk=entry.pk).object_repr != "篡改"


@pytest.mark.parametrize("path", list(delete_paths(AuditLog, 0)))
def test_the_database_refuses_every_delete_path(entry, path):
    """Around the model's own refusals: its base manager, a plain queryset, `_raw_delete` and
    raw SQL reach the database, whose triggers refuse them (SQLite as well as PostgreSQL)."""
    with pytest.raises(DatabaseError), transaction.atomic():
        delete_paths(AuditLog, entry.pk)[path]()
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_admin_is_read_only(rf, world):
    model_admin = site._registry[AuditLog]
    request = rf.get("/")
    request.user = world.owner
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, None)
    assert not model_admin.has_delete_permission(request, None)


def test_no_api_route_touches_the_audit_log(client, world):
    client.force_login(world.owner)
    schema = client.get("/api/v1/openapi.json").json()
    assert not [p for p in schema["paths"] if "audit" in p]


def test_audit_page_only_for_programme_owner(client, world):
    for role in ("agency", "partner", "district_a", "provider_a", "trainee_a"):
        client.force_login(world.users[role])
        assert client.get(reverse("core:audit_log")).status_code == 403
    client.force_login(world.owner)
    response = client.get(reverse("core:audit_log"), {"q": "t_trainee_a"})
    assert response.status_code == 200
    assert "t_trainee_a" in response.text
    # The page takes no writes.
    assert client.post(reverse("core:audit_log")).status_code == 405


def test_audit_search_filters_and_exports(client, world):
    client.force_login(world.owner)
    response = client.get(reverse("core:audit_log"), {"action": "password_reset"})
    assert "没有符合条件的记录" in response.text
    services.user_reset_password(actor=world.owner, user=world.users["trainee_b"])
    response = client.get(reverse("core:audit_log"), {"action": "password_reset"})
    assert "t_trainee_b" in response.text
    export = client.get(reverse("core:audit_log"), {"action": "password_reset", "export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_record_page_shows_its_history(client, world):
    services.user_update(actor=world.owner, user=world.users["trainee_a"], data={"display_name": "改名后"})
    client.force_login(world.owner)
    response = client.get(reverse("accounts:user_detail", args=[world.users["trainee_a"].pk]))
    assert "变更历史" in response.text and "改名后" in response.text


@pytest.mark.django_db(transaction=True)
def test_flushing_the_database_still_empties_the_append_only_tables(world):
    """Django's flush (`manage.py flush`, and the test framework's between transactional tests)
    is the one thing that may empty them."""
    from django.core.management import call_command

    assert AuditLog.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditLog.objects.exists()
