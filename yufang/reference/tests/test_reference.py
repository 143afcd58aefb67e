import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from yufang.core.models import AuditLog
from yufang.reference.models import Industry, Region
from yufang.reference.services import reference_update


def test_reference_data_for_the_city(world):
    regions = Region.objects.filter(city__code="370300")
    assert regions.count() == 11
    assert regions.get(name="桓台县").code == "370321"
    assert regions.get(name="高新区").code == ""
    assert Industry.objects.filter(is_focus=True).count() == 5


def test_only_programme_owner_edits_reference(client, world):
    region = Region.objects.get(name="文昌湖区")
    with pytest.raises(PermissionDenied):
        reference_update(instance=region, data={"name": "文昌湖"}, actor=world.users["agency"])
    client.force_login(world.users["agency"])
    assert client.get(reverse("reference:index")).status_code == 403
    client.force_login(world.owner)
    response = client.post(
        reverse("reference:edit", args=["regions", region.pk]),
        {
            "city": region.city_id,
            "code": "",
            "name": "文昌湖省级旅游度假区",
            "kind": "zone",
            "sort_order": 110,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    region.refresh_from_db()
    assert region.name == "文昌湖省级旅游度假区"
    assert AuditLog.objects.for_object(region).get().changes["name"] == ["文昌湖区", "文昌湖省级旅游度假区"]


def test_bad_region_code_names_the_field(client, world):
    client.force_login(world.owner)
    response = client.post(
        reverse("reference:create", args=["regions"]),
        {"city": world.city.pk, "code": "3703", "name": "新区", "kind": "district", "sort_order": 1},
    )
    assert "行政区划代码应为 6 位数字" in response.text
