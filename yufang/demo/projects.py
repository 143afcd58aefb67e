"""The 2023 projects (seed 五、六), built through the real services from the three signed
agreements of the providers demo, plus one more for the failure case:

- 危险化学品培训 (齐安, login `provider`): in progress, advance paid, reports accepted / awaiting
  review / overdue, platform counts prefilled from the training demo's completions;
- 重点行业培训 (众诚, login `provider_zc`): in progress with a confirmed extension (both dates
  shown) and an advance request waiting for the agency;
- 新媒体宣传 (融媒, login `provider_rm`): accepted and settled with an upheld deduction;
- 云享平台线上培训 (智学, login `provider_zx`): failed acceptance, and its three-year debarment;
- 传统媒体宣传 (淄博广电, login `provider_tv`) and 定制宣传资料 (鲁中印务, login `provider_ys`): in
  progress, their publicity deliverables recorded and reviewed (see publicity.py).

Running it again changes nothing."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile

from yufang.accounts import services as accounts_services
from yufang.accounts.models import OrganisationKind, Role, User
from yufang.plans.models import BudgetItem, Plan
from yufang.projects import selectors, services
from yufang.projects.models import Payment, Project
from yufang.providers import services as provider_services
from yufang.providers.models import ProviderProfile, ServiceAgreement
from yufang.reference.models import City, Region

from . import publicity
from .clock import demo_clock
from .orgs import CITY_CODE, _org
from .providers import BROADCASTER, PRINTER, PUBLICITY, QIAN, ZHONGCHENG

D = Decimal
ZHIXUE = "淄博智学在线教育科技有限公司"


def _pdf(name: str) -> ContentFile:
    return ContentFile(b"%PDF-1.4\n% demo document\n", name=name)


def _regions(*names: str) -> list[Region]:
    city = City.objects.get(code=CITY_CODE)
    qs = Region.objects.filter(city=city)
    return list(qs.filter(name__in=names) if names else qs)


TRAINING_SCHEDULE = "9月下旬筹备并报送实施方案；10月至12月分批组织实施；12月下旬总结并报送项目实施情况报告。"
TRAINING_TEAM = "项目负责人统筹；培训主管负责排课与签到；专人管理实名制档案。"


def _plan(
    project: Project,
    provider: User,
    *,
    mode: str,
    sessions: int,
    headcount: int,
    costs,
    goals: str,
    schedule: str = TRAINING_SCHEDULE,
    team: str = TRAINING_TEAM,
):
    services.plan_version_create(
        project=project,
        data={
            "title": project.name,
            "goals": goals,
            "mode": mode,
            "sessions": sessions,
            "headcount": headcount,
            "start_date": datetime.date(2023, 9, 15),
            "completion_date": project.deadline,
            "schedule": schedule,
            "team": team,
            "report_interval_months": 1,
        },
        cost_items=[{"category": c, "name": n, "amount": a} for c, n, a in costs],
        indicators=selectors.plan_indicator_defaults(project),
        actor=provider,
    )


def _start(project, provider, agency, **plan_kwargs) -> None:
    _plan(project, provider, **plan_kwargs)
    services.project_transition(project=project, action="submit_plan", actor=provider)
    services.project_transition(
        project=project, action="approve_plan", actor=agency, note="方案内容完整，预算符合规定。"
    )
    services.project_transition(project=project, action="start", actor=provider)


def _pay(payment: Payment, users, voucher: str, day: datetime.date) -> None:
    with demo_clock(day - datetime.timedelta(days=3)):
        services.payment_transition(payment=payment, action="review", actor=users["agency"])
    with demo_clock(day - datetime.timedelta(days=1)):
        services.payment_transition(payment=payment, action="approve", actor=users["owner"])
    with demo_clock(day):
        services.payment_transition(
            payment=payment, action="pay", actor=users["agency"], voucher_number=voucher, paid_on=day
        )


def _report(
    project, sequence: int, provider, agency, narrative: str, *, accept: bool, achieved=None, after_days: int = 2
) -> None:
    """A period's report, written and submitted `after_days` after the period ends, accepted
    two days later. Each figure the platform counts is its prefill from the records (as the
    page prefills it); only a figure with no record behind it (enterprises reached) is typed,
    from `achieved`."""
    report = project.reports.get(sequence=sequence)
    prefill = selectors.report_prefill(report)
    values = {
        f.pk: (prefill[f.pk] if prefill[f.pk] is not None else (achieved or {}).get(f.kind, 0))
        for f in report.figures.all()
    }
    with demo_clock(report.period_end + datetime.timedelta(days=after_days), now=True):
        services.progress_report_save(report=report, narrative=narrative, achieved=values, actor=provider)
        services.report_transition(report=report, action="submit", actor=provider)
    if accept:
        with demo_clock(report.period_end + datetime.timedelta(days=after_days + 2), now=True):
            services.report_transition(report=report, action="accept", actor=agency, note="已接收。")


# The demo's two finished projects: completion report, acceptance and decision within 2023.
COMPLETED_ON = datetime.date(2023, 12, 20)
CONVENED_ON = datetime.date(2023, 12, 26)
DECIDED_ON = datetime.date(2023, 12, 27)


def _complete_and_judge(project, provider, users, *, scores, note: str, achieved=None):
    with demo_clock(COMPLETED_ON, now=True):
        return _complete_and_judge_now(project, provider, users, scores=scores, note=note, achieved=achieved)


def _complete_and_judge_now(project, provider, users, *, scores, note: str, achieved=None):
    report = services.completion_report_save(
        project=project,
        data={
            "goals": "对照实施方案和服务协议，逐项说明目标完成情况（见下表，数量取自平台实名记录）。",
            **selectors.completion_defaults(project),
            "performance": "按批准的实施方案组织实施，按月报送进度报告，接受经办机构和区县人社局检查指导。",
            "effect": "参训企业和职工工伤预防意识提高，重点岗位人员掌握事故防范基本技能。",
        },
        files={"evidence": _pdf("佐证材料.pdf"), "archives": _pdf("培训档案.pdf")},
        actor=provider,
    )
    # The figures as the page prefills them: the platform's count where it keeps one (people
    # trained, sessions, accepted publicity deliverables), typed only where it keeps none.
    figures = {
        f.pk: f.platform_count if f.platform_count is not None else (achieved or {}).get(f.kind, f.achieved)
        for f in report.figures.all()
    }
    services.completion_report_save(project=project, data={}, achieved=figures, actor=provider)
    services.project_transition(project=project, action="submit_completion", actor=provider)
    with demo_clock(CONVENED_ON - datetime.timedelta(days=3)):
        acceptance = services.acceptance_convene(
            project=project,
            convened_on=CONVENED_ON,
            members=[users["owner"], users["health"], users["emergency"]],
            actor=users["owner"],
        )
    with demo_clock(CONVENED_ON):
        for member, value in zip([users["owner"], users["health"], users["emergency"]], scores, strict=True):
            services.acceptance_score(
                acceptance=acceptance,
                scores={i.pk: D(value) for i in acceptance.indicators.all()},
                remarks="查阅档案并现场抽查。",
                actor=member,
            )
    return acceptance


def _zhixue(owner: User, agency: User, plan: Plan) -> tuple[ServiceAgreement, User]:
    """A further online-training provider and its signed agreement, within the online item's money."""
    city = City.objects.get(code=CITY_CODE)
    org = _org(
        owner,
        kind=OrganisationKind.PROVIDER,
        name=ZHIXUE,
        short_name="智学在线",
        region=Region.objects.get(city=city, name="张店区"),
        address="张店区华光路 99 号",
        city=city,
    )
    staff = (
        User.objects.filter(username="provider_zx").first()
        or accounts_services.user_create(
            actor=owner,
            organisation=org,
            username="provider_zx",
            roles={Role.PROVIDER_STAFF},
            display_name="王磊",
            password=settings.YUFANG_DEMO_PASSWORD,
        )[0]
    )
    if not ProviderProfile.objects.filter(organisation=org).exists():
        profile = provider_services.provider_profile_create(
            organisation=org,
            data={
                "kind": "training",
                "legal_representative": "王磊",
                "bank_name": "中国银行淄博分行",
                "bank_account_name": ZHIXUE,
                "bank_account": "2256001234567890",
            },
            actor=agency,
        )
        provider_services.provider_profile_transition(profile=profile, action="verify", actor=agency)
        for kind, number in (("business_licence", f"营业执照-{org.credit_code}"), ("training", "淄民办学字第0412号")):
            provider_services.qualification_create(
                provider=org,
                data={
                    "kind": kind,
                    "number": number,
                    "issuer": "淄博市行政审批服务局",
                    "valid_from": datetime.date(2021, 3, 1),
                    "valid_to": datetime.date(2027, 12, 31),
                    "document": _pdf(f"{number}.pdf"),
                },
                actor=agency,
            )
    item = BudgetItem.objects.get(line__plan=plan, name__contains="云享")
    agreement = ServiceAgreement.objects.filter(item=item, provider=org).first()
    if agreement is None:
        agreement = provider_services.agreement_create(
            data={
                "title": "2023年云享平台工伤预防线上培训服务协议",
                "item": item,
                "provider": org,
                "content": "在云享培训平台开设工伤预防必修课和选修课，组织重点行业职工线上学习，按实名制记录学时。",
                "period_start": datetime.date(2023, 9, 15),
                "period_end": datetime.date(2023, 12, 31),
                "price": D("120000.00"),
            },
            indicators=[{"kind": "people_trained", "planned": 3000, "description": "线上培训（必修+2学时选修）"}],
            team=[{"name": "王磊", "role": "项目负责人", "phone": "13853314001"}],
            actor=agency,
        )
        provider_services.agreement_transition(agreement=agreement, action="send", actor=agency)
        provider_services.agreement_transition(agreement=agreement, action="confirm", actor=staff)
        provider_services.agreement_transition(
            agreement=agreement, action="sign", actor=agency, signed_on=datetime.date(2023, 9, 12)
        )
        provider_services.agreement_transition(agreement=agreement, action="activate", actor=agency)
    return agreement, staff


def _staff(users) -> dict[str, User]:
    return {
        QIAN: users["provider"],
        ZHONGCHENG: User.objects.get(username="provider_zc"),
        PUBLICITY: User.objects.get(username="provider_rm"),
        BROADCASTER: User.objects.get(username="provider_tv"),
        PRINTER: User.objects.get(username="provider_ys"),
    }


def _agreement_of(plan: Plan, name: str) -> ServiceAgreement | None:
    return ServiceAgreement.objects.filter(provider__name=name, item__line__plan=plan).first()


PUBLICITY_SCHEDULE = "9月下旬报送实施方案；10月至12月按周制作播出、按月推送；12月下旬总结并报送项目实施情况报告。"
PUBLICITY_TEAM = "项目负责人统筹；编导负责内容制作；专人整理播出记录与佐证材料。"


# A publicity report is written on its due day (five days after the period), once the agency
# has decided on the deliverables of the period's last days (four days after each): its
# figures are then what was accepted, as the report's prefill counts them from the records.
PUBLICITY_REPORT_AFTER_DAYS = 5


def _publicity_reports(project: Project, provider: User, agency: User) -> None:
    """The monthly reports before the year's end, each with what was accepted by its period's
    end."""
    for report in project.reports.filter(period_end__lt=COMPLETED_ON, status="due"):
        _report(
            project,
            report.sequence,
            provider,
            agency,
            f"第{report.sequence}期宣传按计划实施。",
            accept=True,
            after_days=PUBLICITY_REPORT_AFTER_DAYS,
        )


def open_publicity(users: dict[str, User], plan: Plan) -> None:
    """The traditional-media and printed-material projects: opened from their agreements, plans
    approved and work started; their deliverables recorded and reviewed, then their reports."""
    agency, staff = users["agency"], _staff(users)
    specs = [
        (
            BROADCASTER,
            "online",
            "在淄博电视台新闻综合频道每周六播出一期“工伤预防”线性宣传课堂，全年 12 期，每期 15 分钟。",
            [("media", "线性宣传课堂节目制作与播出时段", D("150000.00"))],
            publicity.broadcast_episodes,
        ),
        (
            PRINTER,
            "offline",
            "设计印制工伤保险政策宣传册 15000 册、工伤预防知识折页 5000 份，定制宣传环保袋 5000 个，送达各区县。",
            [("publicity_materials", "宣传册、折页设计印制及宣传用品定制", D("98000.00"))],
            publicity.printed_materials,
        ),
    ]
    for name, mode, goals, costs, record in specs:
        a = _agreement_of(plan, name)
        if a is None or Project.objects.filter(agreement=a).exists():
            continue
        provider = staff[name]
        p = services.project_open(agreement=a, actor=agency, regions=_regions())
        _start(
            p,
            provider,
            agency,
            mode=mode,
            sessions=0,
            headcount=0,
            goals=goals,
            costs=costs,
            schedule=PUBLICITY_SCHEDULE,
            team=PUBLICITY_TEAM,
        )
        record(p, provider, agency)
        _publicity_reports(p, provider, agency)


def open_training(users: dict[str, User], plan: Plan) -> tuple[Project | None, Project | None]:
    """The two training projects opened, their plans approved and work started (the hazardous-
    chemicals one with its advance paid), so that their sessions can be held before any report."""
    agency, staff = users["agency"], _staff(users)
    a = _agreement_of(plan, QIAN)
    if a is not None and not Project.objects.filter(agreement=a).exists():
        provider = staff[QIAN]
        p = services.project_open(agreement=a, actor=agency, regions=_regions("临淄区", "桓台县", "张店区"))
        _start(
            p,
            provider,
            agency,
            mode="offline",
            sessions=40,
            headcount=2600,
            goals="完成危险化学品重点企业分管负责人、安全管理部门负责人、一线班组长 2600 人线下培训，一线班组长另行实操培训。",
            costs=[
                ("teaching", "线下集中培训授课", D("300000.00")),
                ("training_materials", "培训教材与案例汇编印制", D("90000.00")),
                ("assessment", "培训考核与结业证书", D("40000.00")),
            ],
        )
        _pay(
            services.payment_request(project=p, kind="advance", actor=provider),
            users,
            "ZF-2023-0917",
            datetime.date(2023, 10, 9),
        )
    a = _agreement_of(plan, ZHONGCHENG)
    if a is not None and not Project.objects.filter(agreement=a).exists():
        provider = staff[ZHONGCHENG]
        p = services.project_open(agreement=a, actor=agency, regions=_regions("张店区", "周村区", "淄川区"))
        _start(
            p,
            provider,
            agency,
            mode="offline",
            sessions=30,
            headcount=2000,
            goals="在建筑施工、机械制造、交通运输重点企业开展集中与深入企业相结合的线下培训 2000 人次以上。",
            costs=[
                ("teaching", "集中培训及深入企业授课", D("200000.00")),
                ("training_materials", "行业事故案例读本", D("60000.00")),
            ],
        )
    return (
        Project.objects.filter(agreement__provider__name=QIAN, plan=plan).first(),
        Project.objects.filter(agreement__provider__name=ZHONGCHENG, plan=plan).first(),
    )


def load(users: dict[str, User], plan: Plan, *, scale: float = 1.0) -> None:
    agency, owner = users["agency"], users["owner"]
    staff = _staff(users)

    def agreement_of(name):
        return _agreement_of(plan, name)

    qian, zhong = open_training(users, plan)
    # In progress with reports: the hazardous-chemicals training (its sessions were held before).
    if qian is not None and qian.reports.filter(sequence=1, status="due").exists():
        provider = staff[QIAN]
        _report(
            qian,
            1,
            provider,
            agency,
            "完成培训筹备，确定首批 12 家企业的培训安排。",
            accept=True,
        )
        _report(qian, 2, provider, agency, "10 月分批开展线下集中培训，实名签到。", accept=True)
        _report(
            qian,
            3,
            provider,
            agency,
            "11 月继续集中培训，一线班组长实操培训同步开展。",
            accept=False,
        )

    # In progress with a confirmed extension: the key-industries training.
    if zhong is not None and zhong.reports.filter(sequence=1, status="due").exists():
        provider = staff[ZHONGCHENG]
        _report(zhong, 1, provider, agency, "确定 80 家重点企业名单。", accept=True, achieved={"enterprises": 20})
        _report(
            zhong,
            2,
            provider,
            agency,
            "10 月集中培训与深入企业培训同步开展。",
            accept=True,
            achieved={"enterprises": 35},
        )
        with demo_clock(datetime.date(2023, 11, 20)):
            services.project_transition(
                project=zhong,
                action="request_extension",
                actor=provider,
                reason="部分建筑工地 12 月起冬季停工，剩余深入企业培训须待 2024 年 3 月复工后开展。",
                new_deadline=datetime.date(2024, 3, 31),
            )
        with demo_clock(datetime.date(2023, 11, 23)):
            services.project_transition(
                project=zhong,
                action="confirm_extension",
                actor=agency,
                note="情况属实，同意延期至 2024 年 3 月 31 日。",
            )
            services.payment_request(project=zhong, kind="advance", actor=provider)

    # Accepted and settled, with a deduction: the new-media publicity.
    a = agreement_of(PUBLICITY)
    if a is not None and not Project.objects.filter(agreement=a).exists():
        provider = staff[PUBLICITY]
        p = services.project_open(agreement=a, actor=agency, regions=_regions())
        _start(
            p,
            provider,
            agency,
            mode="online",
            sessions=1,
            headcount=0,
            goals="制作 12 部工伤预防短视频，经 5G 智媒平台定向推送 60 次，组织“进百企”知识竞答及启动仪式。",
            costs=[
                ("media", "短视频制作与 5G 智媒平台定向推送", D("150000.00")),
                ("publicity_events", "“进百企”知识竞答及启动仪式", D("60000.00")),
                ("publicity_materials", "竞答奖品以外的宣传折页", D("30000.00")),
            ],
            schedule=PUBLICITY_SCHEDULE,
            team=PUBLICITY_TEAM,
        )
        # The "进百企" quiz runs while the project is in progress (October–November 2023).
        from . import quiz

        quiz.load(users, plan, p, provider, scale=scale)
        _pay(
            services.payment_request(project=p, kind="advance", actor=provider),
            users,
            "ZF-2023-0921",
            datetime.date(2023, 10, 12),
        )
        # Its videos, pushes and the launch ceremony, recorded and accepted before its reports.
        publicity.new_media(p, provider, agency)
        # Videos, pushes and the ceremony are counted from the accepted deliverables; only the
        # enterprises the quiz reached are typed (the platform keeps no count of them).
        achieved = {"enterprises": 96}
        for n in p.reports.filter(period_end__lt=COMPLETED_ON).values_list("sequence", flat=True):
            _report(
                p,
                n,
                provider,
                agency,
                f"第{n}期宣传推送按计划完成。",
                accept=True,
                achieved=achieved,
                after_days=PUBLICITY_REPORT_AFTER_DAYS,
            )
        deduction = services.deduction_create(
            project=p,
            data={
                "amount": D("8000.00"),
                "source": "mismanagement",
                "reason": "检查发现“进百企”竞答覆盖企业台账不全，4 家企业无参与记录（管理混乱）。",
            },
            actor=agency,
        )
        services.deduction_transition(
            deduction=deduction, action="object", actor=provider, note="4 家企业系线下参与，已补交签到表。"
        )
        services.deduction_transition(
            deduction=deduction, action="uphold", actor=agency, note="补交签到表无企业盖章，不能证明参与，维持扣减。"
        )
        _complete_and_judge(p, provider, users, scores=[88, 85, 90], note="", achieved=achieved)
        with demo_clock(DECIDED_ON):
            services.project_transition(
                project=p,
                action="pass",
                actor=owner,
                note="宣传任务完成，台账问题已扣减处理，验收合格。",
                decided_on=DECIDED_ON,
            )
            balance = services.payment_request(project=p, kind="balance", actor=provider)
        # The balance is paid after the acceptance decision, still within 2023.
        _pay(balance, users, "ZF-2023-1229", datetime.date(2023, 12, 29))
        with demo_clock(datetime.date(2023, 12, 29)):
            services.project_transition(project=p, action="settle", actor=agency)

    open_publicity(users, plan)

    # Failed acceptance and the provider's new debarment: the online training.
    agreement, provider = _zhixue(owner, agency, plan)
    if not Project.objects.filter(agreement=agreement).exists():
        p = services.project_open(agreement=agreement, actor=agency, regions=_regions())
        _start(
            p,
            provider,
            agency,
            mode="online",
            sessions=0,
            headcount=3000,
            goals="在云享平台组织 3000 名职工完成必修课及不少于 2 学时选修课。",
            costs=[("online_courses", "线上课程制作与平台学时记录服务", D("110000.00"))],
        )
        _pay(
            services.payment_request(project=p, kind="advance", actor=provider),
            users,
            "ZF-2023-0930",
            datetime.date(2023, 10, 16),
        )
        for n in p.reports.filter(period_end__lt=COMPLETED_ON).values_list("sequence", flat=True):
            _report(p, n, provider, agency, f"第{n}期线上培训推进中。", accept=True)
        _complete_and_judge(p, provider, users, scores=[45, 52, 40], note="")
        # The failure debars the provider from the decision date, not from the day the demo loads.
        with demo_clock(DECIDED_ON):
            services.project_transition(
                project=p,
                action="fail",
                actor=owner,
                note="平台无本机构的实名学时记录，抽查发现挂机、代学，培训档案不完整。",
                decision_number="淄人社字〔2023〕98号",
                decided_on=DECIDED_ON,
            )
