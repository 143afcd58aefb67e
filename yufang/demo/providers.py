"""The 2023 providers (seed 四): three publicity providers (the new-media company, the city
broadcaster's media group for the 线性宣传课堂 and a printer for the brochures, so the whole
publicity line is under agreements) and two training providers (齐安 qualified for
hazardous-chemicals training), their procurements, signed agreements in force that fit the 2023
items, a provider debarred in an earlier year, and a qualification about to expire. Built through
the real services; running it again changes nothing."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from yufang.accounts import services as accounts_services
from yufang.accounts.models import Organisation, OrganisationKind, Role, User
from yufang.plans.models import BudgetItem, Plan
from yufang.providers import services
from yufang.providers.models import Debarment, ProcurementRule, ProviderProfile, Qualification, ServiceAgreement
from yufang.reference.models import City, Industry, Position, Region

from .orgs import CITY_CODE, _org

D = Decimal

PUBLICITY = "淄博融媒文化传播有限公司"
QIAN = "山东齐安安全技术服务有限公司"
ZHONGCHENG = "淄博众诚职业培训学校"
ANPEI = "淄博安培职业技能培训中心"
BROADCASTER = "淄博广电传媒集团有限公司"
PRINTER = "淄博鲁中印务有限公司"

PROFILES = {
    PUBLICITY: ("publicity", "马晓东", "中国建设银行淄博张店支行", "37050163610100001234"),
    QIAN: ("training", "孙立新", "中国工商银行淄博临淄支行", "1603004209200012345"),
    ZHONGCHENG: ("training", "高文华", "淄博农村商业银行张店支行", "9010000012345678901"),
    ANPEI: ("training", "韩志刚", "中国农业银行淄博周村支行", "15370101040012345"),
    BROADCASTER: ("publicity", "邢建华", "中国银行淄博分行营业部", "2345001234567801"),
    PRINTER: ("publicity", "鲁振海", "淄博农村商业银行淄川支行", "9010000023456789012"),
}

# username, display name, organisation: the staff who confirm their agreements.
STAFF = [
    ("provider_rm", "马丽", PUBLICITY),
    ("provider_zc", "高峰", ZHONGCHENG),
    ("provider_tv", "邢倩", BROADCASTER),
    ("provider_ys", "鲁文静", PRINTER),
]


def _document(name: str) -> ContentFile:
    return ContentFile(b"%PDF-1.4\n% demo document\n", name=name)


def _qualification(agency, org, kind, valid_to, number):
    if Qualification.objects.filter(provider=org, kind=kind).exists():
        return
    services.qualification_create(
        provider=org,
        data={
            "kind": kind,
            "number": number,
            "issuer": "淄博市行政审批服务局" if kind != "hazchem" else "淄博市人力资源和社会保障局",
            "valid_from": datetime.date(2021, 3, 1),
            "valid_to": valid_to,
            "document": _document(f"{number}.pdf"),
        },
        actor=agency,
    )


def load(users: dict[str, User], plan: Plan) -> None:
    owner, agency = users["owner"], users["agency"]
    city = City.objects.get(code=CITY_CODE)
    anpei = _org(
        owner,
        kind=OrganisationKind.PROVIDER,
        name=ANPEI,
        short_name="安培培训",
        region=Region.objects.get(city=city, name="周村区"),
        address="周村区正阳路 56 号",
        city=city,
    )
    orgs = {name: Organisation.objects.get(name=name) for name in PROFILES}
    for username, display, org_name in STAFF:
        if not User.objects.filter(username=username).exists():
            accounts_services.user_create(
                actor=owner,
                organisation=orgs[org_name],
                username=username,
                roles={Role.PROVIDER_STAFF},
                display_name=display,
                password=settings.YUFANG_DEMO_PASSWORD,
            )
    staff = {
        PUBLICITY: User.objects.get(username="provider_rm"),
        QIAN: users["provider"],
        ZHONGCHENG: User.objects.get(username="provider_zc"),
        BROADCASTER: User.objects.get(username="provider_tv"),
        PRINTER: User.objects.get(username="provider_ys"),
    }

    for name, (kind, legal, bank, account) in PROFILES.items():
        org = orgs[name]
        if not ProviderProfile.objects.filter(organisation=org).exists():
            profile = services.provider_profile_create(
                organisation=org,
                data={
                    "kind": kind,
                    "legal_representative": legal,
                    "bank_name": bank,
                    "bank_account_name": name,
                    "bank_account": account,
                },
                actor=agency,
            )
            services.provider_profile_transition(profile=profile, action="verify", actor=agency)
        _qualification(agency, org, "business_licence", None, f"营业执照-{org.credit_code}")

    today = timezone.localdate()
    _qualification(agency, orgs[QIAN], "training", datetime.date(2027, 12, 31), "鲁安培字〔2021〕018号")
    _qualification(agency, orgs[QIAN], "hazchem", datetime.date(2027, 12, 31), "淄人社危培〔2022〕003号")
    # The one about to expire: on the agency's 待办 list.
    _qualification(agency, orgs[ZHONGCHENG], "training", today + datetime.timedelta(days=45), "淄民办学字第0371号")
    _qualification(agency, anpei, "training", datetime.date(2022, 12, 31), "淄民办学字第0288号")

    if not Debarment.objects.filter(provider=anpei).exists():
        services.debarment_create(
            provider=anpei,
            ground="failed_acceptance",
            decision_number="淄人社字〔2021〕47号",
            decided_by="淄博市人力资源和社会保障局",
            start_date=datetime.date(2021, 6, 1),
            facts="2020 年度工伤预防培训项目评估验收不合格：实名制签到表与实际参训人员不符，培训档案不完整。",
            actor=owner,
        )

    if not ProcurementRule.objects.exists():
        services.procurement_rule_create(
            data={
                "name": "公开招标数额标准",
                "min_amount": D("1000000.00"),
                "methods": "open_tender",
                "legal_basis": "山东省政府集中采购目录及采购限额标准：服务类项目达到公开招标数额标准的，应当公开招标。",
            },
            actor=owner,
        )

    hazchem = Industry.objects.get(code="hazchem")
    positions = {p.code: p for p in Position.objects.all()}
    construction = Industry.objects.get(code="construction")
    specs = [
        {
            "item": "新媒体工伤预防宣传",
            "provider": PUBLICITY,
            "method": "single_source",
            "candidates": [PUBLICITY],
            "legal_ground": "《中华人民共和国政府采购法》第三十一条第一项：只能从唯一供应商处采购；该机构运营本市 5G 智媒平台，"
            "依据鲁人社规〔2018〕3号、淄人社发〔2018〕73号采用单一来源方式。",
            "price": D("240000.00"),
            "title": "2023年新媒体工伤预防宣传服务协议",
            "content": "制作工伤预防政策知识及事故案例宣传短视频，利用 5G 智媒平台定向推送，组织“进百企”工伤预防知识竞答及启动仪式。",
            "indicators": [
                {"kind": "videos", "planned": 12, "description": "宣传短视频"},
                {"kind": "broadcasts", "planned": 60, "description": "5G 智媒平台定向推送"},
                {"kind": "events", "planned": 1, "description": "答题活动暨启动仪式"},
                {"kind": "enterprises", "planned": 100, "description": "“进百企”知识竞答覆盖企业"},
            ],
            "team": [("马晓东", "项目负责人", "13853311001"), ("马丽", "内容编辑", "13853311002")],
        },
        {
            "item": "传统媒体工伤预防宣传",
            "provider": BROADCASTER,
            "method": "single_source",
            "candidates": [BROADCASTER],
            "legal_ground": "《中华人民共和国政府采购法》第三十一条第一项：只能从唯一供应商处采购；市级电视频道的节目时段"
            "只能由市广播电视台经营主体提供，依据鲁人社规〔2018〕3号、淄人社发〔2018〕73号采用单一来源方式。",
            "price": D("150000.00"),
            "title": "2023年传统媒体工伤预防宣传服务协议",
            "content": "在淄博电视台新闻综合频道定制“工伤预防”线性宣传课堂，每周一期，每期 15 分钟，宣传工伤保险政策及"
            "危险化学品、建筑施工等重点行业工伤预防知识。",
            "indicators": [{"kind": "broadcasts", "planned": 12, "description": "线性宣传课堂播出期数"}],
            "team": [("邢建华", "项目负责人", "13853315001"), ("邢倩", "栏目编导", "13853315002")],
        },
        {
            "item": "定制工伤保险宣传资料",
            "provider": PRINTER,
            "method": "competitive_consultation",
            "candidates": [PRINTER, PUBLICITY],
            "legal_ground": "",
            "price": D("98000.00"),
            "title": "2023年定制工伤保险宣传资料服务协议",
            "content": "设计印制工伤保险政策宣传册、工伤预防知识折页，定制工伤预防宣传用品，按经办机构安排送达各区县。",
            "indicators": [{"kind": "materials", "planned": 25000, "description": "宣传册、折页及宣传用品"}],
            "team": [("鲁振海", "项目负责人", "13853316001"), ("鲁文静", "设计与印制", "13853316002")],
        },
        {
            "item": "危险化学品企业工伤预防线下培训",
            "provider": QIAN,
            "method": "competitive_consultation",
            "candidates": [QIAN, ZHONGCHENG],
            "legal_ground": "",
            "price": D("480000.00"),
            "title": "2023年危险化学品企业工伤预防能力提升培训服务协议",
            "content": "对危险化学品重点企业分管负责人、安全管理部门负责人和一线班组长开展线下培训，一线班组长另行实操培训。",
            "indicators": [
                {"kind": "sessions", "planned": 40},
                {"kind": "people_trained", "planned": 600, "industry": hazchem, "position": positions["deputy"]},
                {"kind": "people_trained", "planned": 600, "industry": hazchem, "position": positions["safety_head"]},
                {"kind": "people_trained", "planned": 1400, "industry": hazchem, "position": positions["team_leader"]},
            ],
            "team": [("孙立新", "项目负责人", "13853312001"), ("孙伟", "培训主管", "13853300007")],
        },
        {
            "item": "建筑业、机械制造、交通运输等重点行业工伤预防线下培训",
            "provider": ZHONGCHENG,
            "method": "competitive_consultation",
            "candidates": [ZHONGCHENG, QIAN],
            "legal_ground": "",
            "price": D("290000.00"),
            "title": "2023年重点行业工伤预防线下培训服务协议",
            "content": "在建筑施工、机械制造、交通运输等重点行业企业采取集中与深入企业相结合的方式开展线下培训。",
            "indicators": [
                {"kind": "sessions", "planned": 30},
                {"kind": "people_trained", "planned": 2000, "industry": construction},
                {"kind": "enterprises", "planned": 80},
            ],
            "team": [("高文华", "项目负责人", "13853313001"), ("高峰", "培训讲师", "13853313002")],
        },
    ]
    for spec in specs:
        item = BudgetItem.objects.get(line__plan=plan, name=spec["item"])
        if ServiceAgreement.objects.filter(item=item).exists():
            continue
        provider = orgs[spec["provider"]]
        procurement = services.procurement_create(
            data={
                "item": item,
                "method": spec["method"],
                "amount": spec["price"],
                "started_on": datetime.date(2023, 8, 21),
                "decided_on": datetime.date(2023, 9, 5),
                "chosen": provider,
                "legal_ground": spec["legal_ground"],
            },
            candidates=[orgs[n] for n in spec["candidates"]],
            actor=agency,
        )
        agreement = services.agreement_create(
            data={
                "title": spec["title"],
                "item": item,
                "provider": provider,
                "procurement": procurement,
                "content": spec["content"],
                "period_start": datetime.date(2023, 9, 15),
                "period_end": datetime.date(2023, 12, 31),
                "price": spec["price"],
            },
            indicators=spec["indicators"],
            team=[{"name": n, "role": r, "phone": p} for n, r, p in spec["team"]],
            actor=agency,
        )
        services.agreement_transition(agreement=agreement, action="send", actor=agency)
        services.agreement_transition(agreement=agreement, action="confirm", actor=staff[spec["provider"]])
        services.agreement_transition(
            agreement=agreement, action="sign", actor=agency, signed_on=datetime.date(2023, 9, 12)
        )
        services.agreement_transition(agreement=agreement, action="activate", actor=agency)
