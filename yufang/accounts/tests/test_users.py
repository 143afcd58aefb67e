import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from yufang.accounts import services
from yufang.accounts.models import OrganisationKind, Role, User
from yufang.accounts.tests.factories import make_org


def test_enterprise_contact_manages_own_staff_only(world):
    contact = world.users["enterprise_a"]
    user, temporary = services.user_create(
        actor=contact,
        organisation=world.orgs["enterprise_a"],
        username="new_worker",
        roles={Role.TRAINEE},
        display_name="新员工",
    )
    assert temporary and user.must_change_password
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=contact, organisation=world.orgs["enterprise_b"], username="x_worker", roles={Role.TRAINEE}
        )
    with pytest.raises(PermissionDenied):
        services.user_update(actor=contact, user=world.users["trainee_b"], data={"display_name": "改"})


def test_role_must_fit_the_organisation(world):
    with pytest.raises(PermissionDenied, match="不适用于"):
        services.user_create(
            actor=world.owner, organisation=world.orgs["provider_a"], username="bad", roles={Role.TRAINEE}
        )
    with pytest.raises(PermissionDenied, match="只有市人社局"):
        services.user_create(
            actor=world.users["agency"],
            organisation=world.orgs["hrss"],
            username="bad2",
            roles={Role.PROGRAMME_OWNER},
        )


def test_partner_and_district_cannot_manage_users(world):
    for role in ("partner", "district_a"):
        with pytest.raises(PermissionDenied):
            services.user_create(
                actor=world.users[role], organisation=world.orgs["enterprise_a"], username="x", roles={Role.TRAINEE}
            )


def test_duplicate_username_and_bad_phone(world):
    with pytest.raises(ValidationError) as e:
        services.user_create(
            actor=world.owner, organisation=world.orgs["enterprise_a"], username="T_TRAINEE_A", roles={Role.TRAINEE}
        )
    assert "已被使用" in str(e.value)
    with pytest.raises(ValidationError) as e:
        services.user_create(
            actor=world.owner,
            organisation=world.orgs["enterprise_a"],
            username="phoneless",
            roles={Role.TRAINEE},
            phone="12345",
        )
    assert "电话号码格式不正确" in str(e.value)


def test_create_user_in_the_browser_form(client, world):
    client.force_login(world.users["provider_a"])
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "qa_staff",
            "display_name": "质控员",
            "phone": "13700000001",
            "organisation": world.orgs["provider_a"].pk,
            "roles": [Role.PROVIDER_STAFF],
        },
    )
    assert response.status_code == 200
    assert "临时密码" in response.text
    assert User.objects.get(username="qa_staff").organisation == world.orgs["provider_a"]
    # Another provider's organisation is not even offered.
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "qa_staff2",
            "display_name": "x",
            "organisation": world.orgs["provider_b"].pk,
            "roles": [Role.PROVIDER_STAFF],
        },
    )
    assert "选择一个有效的选项" in response.text


def test_phone_masked_for_those_who_do_not_manage(client, world):
    services.user_update(actor=world.owner, user=world.users["trainee_a"], data={"phone": "13812345678"})
    client.force_login(world.users["district_a"])
    page = client.get(reverse("accounts:user_detail", args=[world.users["trainee_a"].pk])).text
    assert "138****5678" in page and "13812345678" not in page
    client.force_login(world.users["enterprise_a"])
    page = client.get(reverse("accounts:user_detail", args=[world.users["trainee_a"].pk])).text
    assert "13812345678" in page
    listing = client.get(reverse("accounts:user_list")).text
    assert "13812345678" not in listing


def test_cannot_deactivate_self(world):
    with pytest.raises(ValidationError):
        services.user_update(actor=world.owner, user=world.owner, data={"is_active": False})


def test_organisation_credit_code_is_checked(world):
    with pytest.raises(ValidationError) as e:
        services.organisation_create(
            actor=world.owner,
            data={
                "kind": OrganisationKind.ENTERPRISE,
                "name": "校验码错误的企业",
                "credit_code": "91370303MA3C12345A",
                "city": world.city,
                "region": None,
            },
        )
    assert "统一社会信用代码无效" in str(e.value)


def test_district_bureau_needs_its_region_once(world):
    with pytest.raises(ValidationError):
        make_org(world.owner, "无区县人社局", OrganisationKind.DISTRICT)
    with pytest.raises(ValidationError):
        make_org(world.owner, "重复人社局", OrganisationKind.DISTRICT, region=world.orgs["district_a"].region)


def test_organisation_list_filters(client, world):
    client.force_login(world.owner)
    response = client.get(reverse("accounts:organisation_list"), {"kind": "provider"})
    assert "测试服务机构a" in response.text and "测试企业a" not in response.text
    response = client.get(
        reverse("accounts:organisation_list"), {"q": "企业b"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    assert "测试企业b" in response.text and "<html" not in response.text
