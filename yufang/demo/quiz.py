"""The 2023 "进百企" knowledge quiz of the demo, made through the quiz's own services: the
quiz's questions in the platform's one bank, the competition under the new-media publicity
project with two rounds, the smaller enterprises the quiz reached entered in the register, a few
thousand participants from some 130 enterprises in every district (most through their
enterprise's poster, some as 其他企业), their papers drawn and scored on the server at their 2023
moments, and the cases the flags catch (too fast, one phone for many, one tapping script)."""

import datetime
import random

from django.utils import timezone

from yufang.accounts.models import Organisation, OrganisationKind, User
from yufang.demo.clock import at, demo_clock
from yufang.demo.credit_codes import demo_credit_code
from yufang.enterprises import services as enterprise_services
from yufang.enterprises.models import EnterpriseProfile
from yufang.learning.models import Question, QuestionKind
from yufang.plans.models import Plan
from yufang.projects.models import Project
from yufang.quiz import services
from yufang.quiz.models import Competition, Paper
from yufang.reference.models import Industry, Region
from yufang.targets.services import target_save

from .learning import id_number
from .training import GIVEN, SURNAMES

NAME = "2023年“进百企”工伤预防知识竞答"
CATEGORY = "工伤预防知识竞答"
# (difficulty, kind, stem, options, answer)
BANK = [
    (1, "true_false", "工伤保险费由用人单位缴纳，职工个人不缴纳。", ["正确", "错误"], "A"),
    (1, "single", "发生工伤事故后，职工应首先？", ["及时就医并报告单位", "自行处理不声张", "等下班后再说"], "A"),
    (1, "single", "进入有限空间作业前必须？", ["先通风、再检测、后作业", "直接进入", "只戴口罩即可"], "A"),
    (1, "true_false", "劳动防护用品可以用发放现金代替。", ["正确", "错误"], "B"),
    (1, "single", "安全帽的主要作用是？", ["防止头部受到冲击伤害", "遮阳", "装饰"], "A"),
    (1, "true_false", "职工有权拒绝违章指挥和强令冒险作业。", ["正确", "错误"], "A"),
    (1, "single", "灭火器压力表指针在绿区表示？", ["压力正常", "压力不足", "压力过高"], "A"),
    (1, "single", "工伤保险的“三位一体”是指工伤预防、工伤补偿和？", ["工伤康复", "工伤鉴定", "工伤认定"], "A"),
    (2, "single", "用人单位应当自事故伤害发生之日起多少日内提出工伤认定申请？", ["30 日", "60 日", "1 年"], "A"),
    (
        2,
        "multiple",
        "工伤预防费可用于下列哪些项目？",
        ["工伤预防宣传", "工伤预防培训", "单位日常办公", "职业病防治宣传"],
        "ABD",
    ),
    (2, "single", "用人单位未在规定时限内申请工伤认定的，职工本人可在几年内申请？", ["1 年", "2 年", "3 年"], "A"),
    (2, "true_false", "职工在上下班途中受到非本人主要责任的交通事故伤害，应当认定为工伤。", ["正确", "错误"], "A"),
    (2, "multiple", "下列属于特种作业的有？", ["电工作业", "焊接与热切割作业", "高处作业", "文秘工作"], "ABC"),
    (2, "single", "危险化学品安全技术说明书的简称是？", ["SDS", "ISO", "GB"], "A"),
    (2, "single", "工伤职工停工留薪期一般不超过？", ["12 个月", "6 个月", "24 个月"], "A"),
    (2, "true_false", "职工因工外出期间，由于工作原因受到伤害的，应当认定为工伤。", ["正确", "错误"], "A"),
    (3, "single", "工伤预防费使用原则上不超过上年度工伤保险基金征缴收入的？", ["3%", "5%", "10%"], "A"),
    (
        3,
        "multiple",
        "下列情形中，不得认定为工伤的有？",
        ["故意犯罪", "醉酒或者吸毒", "自残或者自杀", "因工作原因受伤"],
        "ABC",
    ),
    (3, "single", "一次性伤残补助金一级伤残为多少个月的本人工资？", ["27 个月", "25 个月", "23 个月"], "A"),
    (3, "single", "职业病诊断应当由哪类机构承担？", ["取得资质的医疗卫生机构", "任意医院", "用人单位"], "A"),
    (
        3,
        "multiple",
        "重点行业企业一线班组长工伤预防培训应包括？",
        ["岗位风险辨识", "应急处置", "实操演练", "娱乐活动"],
        "ABC",
    ),
    (3, "true_false", "工伤预防项目的实施周期原则上不超过 2 年。", ["正确", "错误"], "A"),
    (
        3,
        "single",
        "劳动能力鉴定结论作出之日起多久后，认为伤残情况发生变化的可申请复查鉴定？",
        ["1 年", "半年", "2 年"],
        "A",
    ),
    (3, "single", "停工留薪期满后仍需治疗的，继续享受的是？", ["工伤医疗待遇", "停工留薪期待遇", "失业保险待遇"], "A"),
]
WORDS = "鑫源 恒达 华泰 宏远 金石 瑞丰 永盛 德润 中兴 兴业 汇通 博远 联创 新锐 东方 海川 天成 信诚 嘉禾 国泰 安泰 裕丰 合力 同创".split()
TRADES = ["机械配件", "建材", "物流", "纺织", "食品", "陶瓷", "包装", "电气"]


def _bank() -> None:
    for difficulty, kind, stem, options, answer in BANK:
        Question.objects.get_or_create(
            category=CATEGORY,
            stem=stem,
            defaults={
                "kind": QuestionKind(kind),
                "options": options,
                "answer": answer,
                "difficulty": difficulty,
                "explanation": "依据《工伤保险条例》及工伤预防相关规定。",
            },
        )


def _enterprises(agency: User, city, rng: random.Random, wanted: int) -> list[Organisation]:
    """The register's enterprises, and smaller ones the quiz reached entered so every district
    has some (through the register's own service)."""
    existing = list(
        Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, city=city, region__isnull=False)
        .exclude(credit_code="")
        .order_by("pk")
    )
    regions = list(Region.objects.filter(city=city).order_by("sort_order", "pk"))
    other = Industry.objects.get(code="other")
    made, i = [], 0
    while len(existing) + len(made) < wanted:
        region = regions[i % len(regions)]
        name = f"淄博{WORDS[i % len(WORDS)]}{TRADES[(i // len(WORDS)) % len(TRADES)]}有限公司（{region.name}）"
        i += 1
        if Organisation.objects.filter(name=name).exists():
            continue
        profile = enterprise_services.enterprise_save(
            actor=agency,
            org_data={
                "name": name,
                "credit_code": demo_credit_code(name, region_code=region.code or "370300"),
                "city": city,
                "region": region,
                "is_active": True,
            },
            data={"industry": other, "insured_headcount": rng.randint(40, 400), "contact_name": "办公室"},
        )
        made.append(profile.organisation)
    return existing + made


def _moment(rng: random.Random, round_, launch: bool) -> datetime.datetime:
    if launch:  # the launch morning: thousands within the first half hour
        return round_.opens_at + datetime.timedelta(seconds=rng.randint(0, 1800))
    span = (round_.closes_at - round_.opens_at).total_seconds() - 3600
    moment = round_.opens_at + datetime.timedelta(seconds=rng.randint(0, int(span)))
    local = timezone.localtime(moment)
    moment = local.replace(hour=max(9, min(17, local.hour)))  # answered in working hours
    return min(
        max(moment, round_.opens_at + datetime.timedelta(minutes=1)), round_.closes_at - datetime.timedelta(hours=1)
    )


def _answers(rng: random.Random, paper: Paper, questions: dict[int, Question], skill: float) -> dict[str, str]:
    answers = {}
    for item in paper.items:
        q = questions[item["q"]]
        if rng.random() < skill:
            bank = q.answer
        else:
            wrong = [chr(ord("A") + k) for k in range(len(q.options)) if chr(ord("A") + k) not in q.answer]
            bank = rng.choice(wrong)
        answers[str(item["q"])] = "".join(sorted(chr(ord("A") + item["order"].index(ord(c) - ord("A"))) for c in bank))
    return answers


def load(
    users: dict[str, User], plan: Plan, project: Project, provider: User, *, scale: float = 1.0
) -> Competition | None:
    """While the new-media publicity project is in progress (October–November 2023)."""
    if Competition.objects.filter(plan=plan, name=NAME).exists():
        return None
    rng = random.Random(17)
    agency = users["agency"]
    _bank()
    with demo_clock(datetime.date(2023, 10, 9)):
        competition = services.competition_create(
            project=project,
            data={
                "name": NAME,
                "description": "全市职工扫描本单位海报二维码参与，线上答题；10 月 16 日上午 9 时启动仪式现场开赛。",
                "draw": [
                    {"category": CATEGORY, "difficulty": 1, "count": 4},
                    {"category": CATEGORY, "difficulty": 2, "count": 4},
                    {"category": CATEGORY, "difficulty": 3, "count": 2},
                ],
                "time_limit_seconds": 300,
                "attempts_per_day": 1,
                "attempts_total": 3,
                "counting": "best",
                "awards": [
                    {"name": "一等奖", "places": 10, "min_score": 90},
                    {"name": "二等奖", "places": 30, "min_score": 80},
                    {"name": "三等奖", "places": 60, "min_score": 70},
                ],
                "reach_participants": 10,
                "min_seconds_per_question": 2,
            },
            rounds=[
                {
                    "name": "第一轮",
                    "opens_at": at(datetime.date(2023, 10, 16), 9),
                    "closes_at": at(datetime.date(2023, 10, 27), 18),
                },
                {
                    "name": "第二轮",
                    "opens_at": at(datetime.date(2023, 11, 13), 9),
                    "closes_at": at(datetime.date(2023, 11, 24), 18),
                },
            ],
            actor=provider,
        )
    with demo_clock(datetime.date(2023, 10, 12)):
        services.competition_transition(competition=competition, action="publish", actor=agency)
    first, second = list(competition.rounds.order_by("number"))
    enterprises = _enterprises(agency, plan.city, rng, 132)
    insured = dict(EnterpriseProfile.objects.values_list("organisation_id", "insured_headcount"))
    regions = list(Region.objects.filter(city=plan.city).order_by("sort_order", "pk"))
    rows, seq = [], 0

    def person(enterprise, region, when):
        nonlocal seq
        seq += 1
        birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randint(0, 12000))
        code = region.code if region and region.code else "370303"
        rows.append(
            {
                "name": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                "id_number": id_number(code, birth, seq),
                "phone": f"139{rng.randint(10000000, 99999999)}",
                "credit_code": enterprise.credit_code if enterprise else "",
                "region": region,
                "device": f"dev{seq:06d}",
                "at": when,
            }
        )

    # 120 enterprises reached (at least 10 people), a dozen more with a few, and 其他企业.
    for index, enterprise in enumerate(enterprises):
        head = insured.get(enterprise.pk, 100)
        n = rng.randint(10, max(11, min(45, head // 4))) if index < 120 else rng.randint(2, 8)
        for _ in range(max(1, int(n * scale)) if index < 120 else max(1, int(n * scale))):
            person(enterprise, enterprise.region, _moment(rng, first, rng.random() < 0.35))
    for region in regions:
        for _ in range(max(1, int(4 * scale))):
            person(None, region, _moment(rng, first, False))
    # One phone for many: five people signed up from the same device on the launch morning.
    for k in range(5):
        person(enterprises[3], enterprises[3].region, first.opens_at + datetime.timedelta(minutes=3 + k))
        rows[-1]["device"] = "dev-shared-1"
    joined = services.participants_join_many(competition=competition, rows=rows, actor=agency)
    when = {r["device"]: r["at"] for r in rows if r["device"] != "dev-shared-1"}
    questions = Question.objects.in_bulk(list(Question.objects.filter(category=CATEGORY).values_list("pk", flat=True)))
    # Round one for everyone; round two for a third, on another day.
    draws = [(p, when.get(p.device) or first.opens_at + datetime.timedelta(minutes=10)) for p in joined]
    again = [p for p in joined if rng.random() < 0.33]
    draws += [(p, _moment(rng, second, False)) for p in again]
    papers = services.papers_draw_many(competition=competition, draws=draws, actor=agency)
    skill = {p.pk: rng.uniform(0.45, 0.98) for p in joined}
    script = {p.pk for p in joined[40:43]}  # a tapping script: the same letters, in the same seconds
    too_fast = {p.pk for p in joined[60:64]}
    sheets = []
    for paper in papers:
        pid = paper.participant_id
        if pid in script and paper.number == 1:
            answers = {str(item["q"]): "A" for item in paper.items}
            seconds = 41 + (pid % 3) * 0.7
        else:
            fast = pid in too_fast and paper.number == 1
            # Tapping through without reading: fast, and mostly wrong.
            answers = _answers(rng, paper, questions, 0.3 if fast else skill[pid])
            seconds = rng.uniform(8, 14) if fast else rng.uniform(70, 290)
        sheets.append((paper, answers, paper.started_at + datetime.timedelta(seconds=seconds)))
    for start in range(0, len(sheets), 2000):
        services.papers_submit_many(competition=competition, sheets=sheets[start : start + 2000], actor=agency)
    with demo_clock(datetime.date(2023, 11, 27)):
        services.competition_scan(competition=competition, actor=agency)
    with demo_clock(datetime.date(2023, 11, 30)):
        services.competition_transition(competition=competition, action="close", actor=agency)
    with demo_clock(datetime.date(2023, 10, 10)):
        target_save(
            actor=users["owner"],
            plan=plan,
            data={
                "name": "“进百企”知识竞答覆盖企业",
                "metric": "quiz_enterprises",
                "threshold": 100,
                "min_participants": 10,
                "deadline": datetime.date(2023, 12, 31),
                "sort_order": 90,
            },
        )
    return competition
