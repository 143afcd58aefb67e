"""The 2023 Zibo plan (淄人社字〔2023〕65号) with its fund, budget lines and items (seed 附件).
The seed gives the two lines; the split of each line among its items, and the prior-year premium
income, are demo figures."""

import datetime
from decimal import Decimal

from yufang.plans import services
from yufang.plans.models import Plan, PlanStatus
from yufang.reference.models import City

D = Decimal

ITEMS = [
    (
        "publicity",
        "传统媒体工伤预防宣传",
        "publicity",
        D("150000.00"),
        "在广播电视台定制“工伤预防”线性宣传课堂，宣传工伤保险政策、危险化学品企业及建筑施工企业等重点行业工伤预防知识。",
    ),
    (
        "publicity",
        "新媒体工伤预防宣传",
        "publicity",
        D("250000.00"),
        "制作工伤预防宣传及政策知识、工伤事故案例的宣传短视频；利用 5G 智媒平台进行工伤预防定向宣传；市县联合，"
        "在全市范围内组织工伤预防知识竞答“进百企”活动；组织工伤预防答题活动暨工伤预防体系建设启动仪式。",
    ),
    ("publicity", "定制工伤保险宣传资料", "publicity", D("100000.00"), "定制工伤保险政策宣传册及工伤预防宣传用品。"),
    (
        "training",
        "危险化学品企业工伤预防线下培训",
        "training",
        D("500000.00"),
        "按照《淄博市危险化学品企业工伤预防能力提升培训工程实施方案》（淄人社字〔2022〕29 号）部署，2023 年对危险化学品"
        "重点企业的分管负责人、安全管理部门负责人和一线班组长等重点岗位人员开展培训，组织一线班组长进行实操培训，"
        "完成危险化学品企业工伤预防能力提升培训工程三年培训任务的 70%。",
    ),
    (
        "training",
        "建筑业、机械制造、交通运输等重点行业工伤预防线下培训",
        "training",
        D("300000.00"),
        "在全市建筑施工企业（项目）、机械制造、交通运输及等重点行业企业中持续开展工伤预防工作，采取线下、集中、深入企业等"
        "多种形式，重点培训企业分管负责人、安全管理部门主要负责人和一线班组长等重点岗位人员。",
    ),
    (
        "training",
        "云享平台工伤预防培训（线上）",
        "training",
        D("200000.00"),
        "利用工伤预防云享培训平台开展工伤预防培训，培训内容主要涵盖危险化学品企业、机械制造、交通运输、新业态（快递业）、"
        "职业病等重点领域的工伤预防政策知识，设置必修课程和自选课程，在必修课程基础上自选课程每人培训时长不少于 2 学时。"
        "培训严格实行分行业、分单位、分岗位、实名制管理。",
    ),
]


def load(owner) -> Plan:
    city = City.objects.get(code="370300")
    plan = Plan.objects.filter(city=city, year=2023).first()
    if plan is not None:
        return plan
    plan = services.plan_create(
        actor=owner,
        data={
            "city": city,
            "year": 2023,
            "title": "2023年度淄博市工伤预防实施方案",
            "doc_number": "淄人社字〔2023〕65号",
            "issuing_departments": "淄博市人力资源和社会保障局、淄博市财政局、淄博市卫生健康委员会、淄博市应急管理局",
            "issue_date": datetime.date(2023, 8, 15),
            "fund_amount": D("1500000.00"),
            "premium_income": D("520000000.00"),
            "benefits_secured": True,
        },
    )
    services.plan_set_budget(
        actor=owner,
        plan=plan,
        lines={"publicity": D("500000.00"), "training": D("1000000.00")},
        items=[
            {"category": c, "name": n, "implementer_kind": k, "amount": a, "description": desc}
            for c, n, k, a, desc in ITEMS
        ],
    )
    if plan.status == PlanStatus.DRAFT:
        services.plan_transition(plan=plan, action="issue", actor=owner)
    return plan
