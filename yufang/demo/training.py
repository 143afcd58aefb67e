"""Training figures for the 2023 plan: the hazardous-chemicals programme (2022–2024) with its
baseline survey, the year's targets, and people with completions recorded through the same
service that offline sessions and the online platform use. The people, their enterprises and
the completions are generated (realistic names and valid ID numbers, not real people); they
come from the platform's own flows (sessions with attendance, training_sessions.py; online
learners, learning.py and online.py) and, for what happened before the platform, from two
historic imports (原系统记录) checked row by row like any import."""

import datetime
import io
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from openpyxl import Workbook
from stdnum.cn import ric

from yufang.accounts import services as account_services
from yufang.accounts.models import Organisation, OrganisationKind
from yufang.enterprises.selectors import insured_by_region
from yufang.people.services import person_bulk_create
from yufang.plans.models import Plan
from yufang.reference.models import Industry, Position, Region
from yufang.targets import services
from yufang.targets.historic import historic_check
from yufang.targets.models import EnterpriseSet, LegacyBatch, Metric, Mode, Target
from yufang.targets.selectors import proposed_parts

from .credit_codes import demo_credit_code

KEY = ["deputy", "safety_head", "team_leader"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕玉兰红梅春生文博浩然子涵雨欣宇轩梓涵俊杰欣怡晓东立新庆华"

EXTRA_ENTERPRISES = {
    "hazchem": [
        ("淄博齐润化工有限公司", "临淄区"),
        ("淄博临淄鲁泰精细化学品有限公司", "临淄区"),
        ("山东金岭化学有限公司淄博分公司", "临淄区"),
        ("淄博桓台丰源化工有限公司", "桓台县"),
        ("桓台县金诚石化有限公司", "桓台县"),
        ("淄博博山联合化工有限公司", "博山区"),
        ("淄博张店东方化学有限公司", "张店区"),
        ("高青县华信化工有限公司", "高青县"),
        ("淄博周村鑫泰化工有限公司", "周村区"),
        ("淄博淄川峰源化工有限公司", "淄川区"),
        ("沂源县瑞丰化学有限公司", "沂源县"),
        ("淄博高新区齐鲁新材料有限公司", "高新区"),
        ("淄博经开区海特化工有限公司", "经济开发区"),
        ("淄博临淄永流化工有限公司", "临淄区"),
        ("淄博桓台东岳氟硅配套有限公司", "桓台县"),
        ("淄博博山华宇化工有限公司", "博山区"),
        ("淄博临淄恒源石化有限公司", "临淄区"),
        ("高青县瑞达化工有限公司", "高青县"),
        ("淄博张店金海化工有限公司", "张店区"),
        ("淄博淄川宏信化工有限公司", "淄川区"),
    ],
    "construction": [
        ("淄博建工集团第二建设有限公司", "张店区"),
        ("淄博临淄城建工程有限公司", "临淄区"),
        ("淄博周村建筑安装有限公司", "周村区"),
        ("桓台县宏大建筑工程有限公司", "桓台县"),
        ("淄博博山市政工程有限公司", "博山区"),
        ("淄博高新区建设发展有限公司", "高新区"),
    ],
    "machinery": [
        ("淄博张店重型机械有限公司", "张店区"),
        ("淄博淄川泵业有限公司", "淄川区"),
        ("淄博博山水泵制造有限公司", "博山区"),
        ("淄博临淄汽车零部件有限公司", "临淄区"),
        ("淄博高新区智能装备有限公司", "高新区"),
        ("高青县农机制造有限公司", "高青县"),
    ],
    "transport": [
        ("淄博公交集团有限公司", "张店区"),
        ("淄博临淄危货运输有限公司", "临淄区"),
        ("淄博淄川物流有限公司", "淄川区"),
        ("桓台县长运汽车运输有限公司", "桓台县"),
    ],
    "express": [
        ("淄博顺丰速运有限公司", "张店区"),
        ("淄博中通快递有限公司", "周村区"),
        ("淄博美团即时配送服务有限公司", "张店区"),
    ],
}
# The enterprises of orgs.py, by industry.
DEMO_ENTERPRISES = {
    "hazchem": ["淄博齐鲁化工配套有限公司", "山东桓台宏达化工有限公司", "淄博博山精细化工有限公司"],
    "construction": ["淄博城建第三工程有限公司", "淄川恒基建筑安装有限公司"],
    "machinery": ["淄博周村鲁中机械制造有限公司", "淄博高新精密装备有限公司", "沂源泰和机械有限公司"],
    "transport": ["淄博顺通道路运输有限公司", "高青县通达物流有限公司"],
    "express": ["淄博快达速递有限公司"],
    "other": ["淄博文昌湖旅游发展有限公司"],
}


def _enterprises(owner, city) -> dict[str, list[Organisation]]:
    regions = {r.name: r for r in Region.objects.filter(city=city)}
    result = {code: list(Organisation.objects.filter(name__in=names)) for code, names in DEMO_ENTERPRISES.items()}
    for code, rows in EXTRA_ENTERPRISES.items():
        for name, region_name in rows:
            org = Organisation.objects.filter(name=name).first()
            if org is None:
                region = regions[region_name]
                org = account_services.organisation_create(
                    actor=owner,
                    data={
                        "kind": OrganisationKind.ENTERPRISE,
                        "name": name,
                        "credit_code": demo_credit_code(name, region_code=region.code or "370300"),
                        "city": city,
                        "region": region,
                        "is_active": True,
                    },
                )
            result[code].append(org)
    return result


class People:
    """Generates people with valid ID numbers, deterministically."""

    def __init__(self, owner, seed: int = 2023, scale: float = 1.0):
        self.owner = owner
        self.scale = scale
        self.rng = random.Random(seed)
        self.seq = 0
        self.positions = {p.code: p for p in Position.objects.all()}
        self.industries = {i.code: i for i in Industry.objects.all()}

    def make(self, enterprises, n: int, *, industry: str, weights: dict[str, int]):
        n = max(1, round(n * self.scale))
        codes, w = zip(*weights.items(), strict=True)
        rows = []
        for _ in range(n):
            self.seq += 1
            enterprise = self.rng.choice(enterprises)
            birth = datetime.date(1963, 1, 1) + datetime.timedelta(days=self.rng.randint(0, 14600))
            region_code = enterprise.region.code if enterprise.region and enterprise.region.code else "370303"
            first17 = f"{region_code}{birth:%Y%m%d}{self.seq % 1000:03d}"
            rows.append(
                {
                    "id_number": first17 + ric.calc_check_digit(first17 + "0"),
                    "name": self.rng.choice(SURNAMES)
                    + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))),
                    "phone": f"1{self.rng.choice('3578')}{self.rng.randint(0, 999999999):09d}",
                    "enterprise": enterprise,
                    "region": enterprise.region,
                    "industry": self.industries[industry],
                    "position": self.positions[self.rng.choices(codes, w)[0]],
                }
            )
        return person_bulk_create(actor=self.owner, rows=rows)


def _historic_xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["原系统培训记录导出"])
    ws.append(["序号", "姓名", "身份证号", "培训方式", "完成日期", "学时", "工作单位", "岗位"])
    for i, r in enumerate(rows, start=1):
        ws.append([i, *r])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def historic_import(owner, city, *, name, year, provider, source_document, description, people, mode, hours, days):
    """Records from before the platform, through the historic import (checked row by row, then
    written as one labelled batch with its source document): the same path an officer takes."""
    if LegacyBatch.objects.filter(name=name).exists():
        return
    label = {Mode.OFFLINE: "线下", Mode.ONLINE: "线上", Mode.PRACTICAL: "实操"}[mode]
    rows = [
        [p.name, p.id_number, label, days[i % len(days)], str(hours), p.enterprise.name, p.position.name]
        for i, p in enumerate(people)
    ]
    content = _historic_xlsx(rows)
    checked = historic_check(io.BytesIO(content), "原系统记录.xlsx", city_id=city.pk, year=year)
    if checked.errors:
        raise RuntimeError(f"demo historic rows refused: {checked.errors[:3]}")
    services.historic_import_apply(
        actor=owner,
        batch={
            "name": name,
            "year": year,
            "provider": provider,
            "source_document": source_document,
            "description": description,
        },
        checked=checked,
        file=ContentFile(content, name=f"{name}.xlsx"),
    )


HAZCHEM_WEIGHTS = {"deputy": 2, "safety_head": 3, "team_leader": 95}
KEY_WEIGHTS = {"deputy": 3, "safety_head": 4, "team_leader": 43, "worker": 50}
ONLINE_WEIGHTS = {"principal": 2, "deputy": 3, "safety_head": 5, "team_leader": 30, "worker": 60}
# Class hours: the 2022 cohort took two days (16 hours) in the programme's first year, so one
# 8-hour day in 2023 brings them to the programme's 24.
HOURS_2022 = 16


def load(owner, plan: Plan, *, scale: float = 1.0) -> None:
    """`scale` shrinks the number of generated people (tests use a small fraction)."""
    if Target.objects.filter(plan=plan).exists():
        return
    city = plan.city
    enterprises = _enterprises(owner, city)
    rng = random.Random(65)
    positions = Position.objects.filter(code__in=KEY)
    programme = services.programme_create(
        actor=owner,
        data={
            "city": city,
            "name": "淄博市危险化学品企业工伤预防能力提升培训工程",
            "doc_number": "淄人社字〔2022〕29号",
            "start_year": 2022,
            "end_year": 2024,
            "industry": Industry.objects.get(code="hazchem"),
        },
        positions=positions,
    )
    # The baseline survey: ~5,400 key people in the hazardous-chemicals enterprises.
    position_ids = {p.code: p.pk for p in positions}
    rows = []
    for org in enterprises["hazchem"]:
        rows += [
            (org.pk, position_ids["deputy"], rng.randint(2, 5)),
            (org.pk, position_ids["safety_head"], rng.randint(3, 8)),
            (org.pk, position_ids["team_leader"], rng.randint(200, 220)),
        ]
    services.baseline_apply(actor=owner, programme=programme, rows=rows)

    year_end = datetime.date(2023, 12, 31)
    common = {"deadline": year_end, "enterprise_set": EnterpriseSet.ALL}
    for order, (data, position_set) in enumerate(
        [
            ({"name": "全年培训人数", "metric": Metric.PERSONS, "threshold": Decimal(10600), **common}, None),
            (
                {
                    "name": "线下培训人数",
                    "metric": Metric.PERSONS,
                    "modes": [Mode.OFFLINE, Mode.PRACTICAL],
                    "threshold": Decimal(4600),
                    **common,
                },
                None,
            ),
            (
                {
                    "name": "线上培训人数",
                    "metric": Metric.PERSONS,
                    "modes": [Mode.ONLINE],
                    "threshold": Decimal(6000),
                    **common,
                },
                None,
            ),
            (
                {
                    "name": "危险化学品重点企业重点岗位培训人数",
                    "metric": Metric.PERSONS,
                    "modes": [Mode.OFFLINE, Mode.PRACTICAL],
                    "enterprise_set": EnterpriseSet.PROGRAMME,
                    "programme": programme,
                    "threshold": Decimal(2600),
                    "deadline": year_end,
                },
                positions,
            ),
            (
                {
                    # Every mode's hours count towards the programme's rule (≥ 24, ≥ 60% offline).
                    "name": "危险化学品企业能力提升培训工程三年任务完成比例",
                    "metric": Metric.PROGRAMME_SHARE,
                    "modes": [],
                    "enterprise_set": EnterpriseSet.PROGRAMME,
                    "programme": programme,
                    "threshold": Decimal(70),
                    "deadline": year_end,
                },
                None,
            ),
            (
                # The key enterprises of machinery, transport and construction are marked later,
                # from the 2022 ranking (training_sessions.py): each mark recounts this target.
                {
                    # Not in the seed (it names the key enterprises' selection, not a number): the
                    # city's own addition, labelled as such.
                    "name": "机械、交通运输、建筑施工重点企业线下培训人数（本市增设）",
                    "metric": Metric.PERSONS,
                    "modes": [Mode.OFFLINE, Mode.PRACTICAL],
                    "enterprise_set": EnterpriseSet.KEY,
                    "threshold": Decimal(600),
                    "deadline": year_end,
                },
                None,
            ),
        ],
        start=1,
    ):
        services.target_save(
            actor=owner, plan=plan, data={**data, "sort_order": order * 10}, positions=position_set or []
        )

    providers = {o.short_name: o for o in Organisation.objects.filter(kind=OrganisationKind.PROVIDER)}
    qian, zhixue = providers.get("齐安安全"), providers.get("智学在线")
    # 2022, the programme's first year, before the platform: the earlier system's sign-in lists.
    trained_2022 = People(owner, seed=2022, scale=scale).make(
        enterprises["hazchem"], 1250, industry="hazchem", weights=HAZCHEM_WEIGHTS
    )
    historic_import(
        owner,
        city,
        name="2022 年危险化学品企业线下培训",
        year=2022,
        provider=qian,
        source_document="原工伤预防培训管理系统 2022 年度签到名单（2023-01-10 导出，经办机构核验）",
        description="培训工程第一年：每人两天集中培训，共 16 学时。",
        people=trained_2022,
        mode=Mode.OFFLINE,
        hours=HOURS_2022,
        days=[datetime.date(2022, m, d) for m in range(4, 12) for d in (12, 26)],
    )
    # January to August 2023, before the platform went live: the earlier cloud platform's list of
    # learners who met the online rule. September to December happen on the platform itself
    # (online.py: about 2,600 of its 2,800 learners meet the rule), so the year's online figure
    # reaches the seed's 6,000 with both.
    online = []
    for code, n in (
        ("hazchem", 925),
        ("construction", 740),
        ("machinery", 800),
        ("transport", 555),
        ("express", 495),
        ("other", 185),
    ):
        online += People(owner, seed=3000 + len(online), scale=scale).make(
            enterprises[code], n, industry=code, weights=ONLINE_WEIGHTS
        )
    historic_import(
        owner,
        city,
        name="2023 年 1—8 月原云享平台线上学习达标记录",
        year=2023,
        provider=zhixue,
        source_document="原云享培训平台学时达标名单（2023-08-31 导出）",
        description="平台上线前，原云享培训平台记录的必修课与不少于 2 学时选修课达标名单。",
        people=online,
        mode=Mode.ONLINE,
        hours=4,
        days=[datetime.date(2023, m, 28) for m in range(3, 9)],
    )


def divide_targets(owner, plan: Plan) -> None:
    """The bureau's allocation of the year's head-count targets to the districts (分解到区县),
    once the enterprises' insured headcounts are registered: the proposed split by insured
    headcount rounded down to tens; what is left stays with the city (市级统筹)."""
    insured = insured_by_region()
    regions = Region.objects.filter(city=plan.city, is_active=True)
    for target in Target.objects.filter(plan=plan, metric=Metric.PERSONS).order_by("sort_order"):
        if target.parts.exists():
            continue
        proposed = proposed_parts(target, insured)
        parts = {r.pk: proposed.get(r.pk, 0) // 10 * 10 for r in regions}
        services.target_parts_set(target=target, parts=parts, actor=owner)
