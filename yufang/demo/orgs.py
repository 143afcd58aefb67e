"""Demo organisations and one login per role, for the 2023 Zibo plan."""

from django.conf import settings

from yufang.accounts import services
from yufang.accounts.models import Organisation, OrganisationKind, Role, User
from yufang.reference.models import City, Region

from .credit_codes import demo_credit_code

CITY_CODE = "370300"

MUNICIPAL = [
    (OrganisationKind.AGENCY, "淄博市社会保险事业中心", "市社保中心"),
    (OrganisationKind.HEALTH, "淄博市卫生健康委员会", "市卫健委"),
    (OrganisationKind.EMERGENCY, "淄博市应急管理局", "市应急局"),
    (OrganisationKind.FINANCE, "淄博市财政局", "市财政局"),
]

DISTRICT_BUREAUS = {
    "淄川区": "淄博市淄川区人力资源和社会保障局",
    "张店区": "淄博市张店区人力资源和社会保障局",
    "博山区": "淄博市博山区人力资源和社会保障局",
    "临淄区": "淄博市临淄区人力资源和社会保障局",
    "周村区": "淄博市周村区人力资源和社会保障局",
    "桓台县": "桓台县人力资源和社会保障局",
    "高青县": "高青县人力资源和社会保障局",
    "沂源县": "沂源县人力资源和社会保障局",
    "高新区": "淄博高新区人力资源和社会保障中心",
    "经济开发区": "淄博经济开发区人力资源和社会保障局",
    "文昌湖区": "淄博市文昌湖省级旅游度假区人力资源和社会保障局",
}

PROVIDERS = [
    ("淄博融媒文化传播有限公司", "融媒文化", "张店区", "张店区柳泉路 139 号"),
    ("山东齐安安全技术服务有限公司", "齐安安全", "临淄区", "临淄区桓公路 88 号"),
    ("淄博众诚职业培训学校", "众诚培训", "张店区", "张店区华光路 266 号"),
    ("淄博广电传媒集团有限公司", "淄博广电", "张店区", "张店区人民西路 39 号"),
    ("淄博鲁中印务有限公司", "鲁中印务", "淄川区", "淄川区松龄路 17 号"),
]

ENTERPRISES = [
    ("淄博齐鲁化工配套有限公司", "临淄区"),
    ("山东桓台宏达化工有限公司", "桓台县"),
    ("淄博博山精细化工有限公司", "博山区"),
    ("淄博城建第三工程有限公司", "张店区"),
    ("淄川恒基建筑安装有限公司", "淄川区"),
    ("淄博周村鲁中机械制造有限公司", "周村区"),
    ("淄博高新精密装备有限公司", "高新区"),
    ("沂源泰和机械有限公司", "沂源县"),
    ("淄博顺通道路运输有限公司", "张店区"),
    ("高青县通达物流有限公司", "高青县"),
    ("淄博快达速递有限公司", "经济开发区"),
    ("淄博文昌湖旅游发展有限公司", "文昌湖区"),
]

# username, display name, organisation name, role
LOGINS = [
    ("owner", "王建国", "淄博市人力资源和社会保障局", Role.PROGRAMME_OWNER),
    ("agency", "李敏", "淄博市社会保险事业中心", Role.AGENCY_STAFF),
    ("health", "张丽", "淄博市卫生健康委员会", Role.PARTNER),
    ("emergency", "刘强", "淄博市应急管理局", Role.PARTNER),
    ("finance", "陈静", "淄博市财政局", Role.PARTNER),
    ("district", "赵磊", "淄博市张店区人力资源和社会保障局", Role.DISTRICT_OFFICER),
    ("provider", "孙伟", "山东齐安安全技术服务有限公司", Role.PROVIDER_STAFF),
    ("enterprise", "周婷", "淄博齐鲁化工配套有限公司", Role.ENTERPRISE_CONTACT),
    ("trainee", "吴刚", "淄博齐鲁化工配套有限公司", Role.TRAINEE),
]

# The other district bureaus' staff (张店区's is `district` above): each confirms receipt of the
# publicity materials handed out in its district. Logins district2 … district11, in this order.
DISTRICT_STAFF = [
    ("淄川区", "孟凡华"),
    ("博山区", "翟红梅"),
    ("临淄区", "崔志刚"),
    ("周村区", "韩雪"),
    ("桓台县", "荣立新"),
    ("高青县", "杜春燕"),
    ("沂源县", "唐海波"),
    ("高新区", "郑宇"),
    ("经济开发区", "冯晓燕"),
    ("文昌湖区", "毕建军"),
]


def district_username(index: int) -> str:
    return f"district{index + 2}"


PHONES = {
    "owner": "13853300001",
    "agency": "13853300002",
    "health": "13853300003",
    "emergency": "13853300004",
    "finance": "13853300005",
    "district": "13853300006",
    "provider": "13853300007",
    "enterprise": "13853300008",
    "trainee": "13853300009",
}


def _org(owner, *, kind, name, short_name="", region=None, address="", city):
    existing = Organisation.objects.filter(name=name).first()
    if existing:
        return existing
    # 11: government bodies, 12: public institutions, 91 (default): companies and schools.
    registration = {"agency": "12", "provider": "91", "enterprise": "91"}.get(kind, "11")
    code = demo_credit_code(name, region_code=region.code if region and region.code else CITY_CODE, kind=registration)
    return services.organisation_create(
        actor=owner,
        data={
            "kind": kind,
            "name": name,
            "short_name": short_name,
            "credit_code": code,
            "city": city,
            "region": region,
            "address": address,
            "is_active": True,
        },
    )


def load(stdout) -> dict[str, User]:
    password = settings.YUFANG_DEMO_PASSWORD
    city = City.objects.get(code=CITY_CODE)
    regions = {r.name: r for r in Region.objects.filter(city=city)}

    owner = User.objects.filter(username="owner").first()
    if owner is None:
        owner = services.owner_bootstrap(
            city=city,
            organisation_name="淄博市人力资源和社会保障局",
            username="owner",
            password=password,
            display_name="王建国",
        )

    for kind, name, short in MUNICIPAL:
        _org(owner, kind=kind, name=name, short_name=short, city=city)
    for region_name, name in DISTRICT_BUREAUS.items():
        _org(
            owner,
            kind=OrganisationKind.DISTRICT,
            name=name,
            short_name=region_name + "人社",
            region=regions[region_name],
            city=city,
        )
    for name, short, region_name, address in PROVIDERS:
        _org(
            owner,
            kind=OrganisationKind.PROVIDER,
            name=name,
            short_name=short,
            region=regions[region_name],
            address=address,
            city=city,
        )
    for name, region_name in ENTERPRISES:
        _org(owner, kind=OrganisationKind.ENTERPRISE, name=name, region=regions[region_name], city=city)

    users = {}
    for username, display, org_name, role in LOGINS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user, _ = services.user_create(
                actor=owner,
                organisation=Organisation.objects.get(name=org_name),
                username=username,
                roles={role},
                display_name=display,
                phone=PHONES[username],
                password=password,
            )
        elif username == "owner" and not user.phone:
            services.profile_update(user=user, display_name=display, phone=PHONES[username], email="")
        users[username] = user
    for index, (region_name, display) in enumerate(DISTRICT_STAFF):
        username = district_username(index)
        if not User.objects.filter(username=username).exists():
            services.user_create(
                actor=owner,
                organisation=Organisation.objects.get(name=DISTRICT_BUREAUS[region_name]),
                username=username,
                roles={Role.DISTRICT_OFFICER},
                display_name=display,
                phone=f"138533001{index + 10:02d}",
                password=password,
            )
    return users
