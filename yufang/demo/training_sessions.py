"""Enterprises and offline training for the demo: a register of the demo enterprises of every
focus industry with three years of work-injury statistics and the 2023 key enterprises chosen
from the ranking; the two training agreements opened as projects in progress; sessions of each
kind with their rosters imported and people signed in and out, closed so that completions and
targets move; a flagged session; and a roster with errors waiting for the provider to confirm.
Everything goes through the real services. Idempotent."""

import datetime
import io
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import Workbook
from stdnum.cn import ric

from yufang.accounts.models import Organisation, User
from yufang.core.jobs import job_start
from yufang.core.models import Job
from yufang.enterprises import services as enterprise_services
from yufang.enterprises.models import EnterpriseProfile, KeyEnterpriseMark
from yufang.enterprises.selectors import ranking
from yufang.people.models import Person
from yufang.plans.models import Plan
from yufang.projects.models import Project, ProjectStatus
from yufang.projects.services import project_open, project_transition
from yufang.providers.models import ServiceAgreement
from yufang.reference.models import Industry, Region
from yufang.training import services
from yufang.training.models import Method, TrainingSession
from yufang.training.roster import roster_check

from .clock import demo_clock
from .training import DEMO_ENTERPRISES, EXTRA_ENTERPRISES

GBT = {
    "hazchem": "C2614",
    "construction": "E4710",
    "machinery": "C3411",
    "transport": "G5430",
    "express": "G6020",
    "other": "R9030",
}
LICENCES = ["production", "operation", "use"]


def _enterprise_orgs() -> dict[str, list[Organisation]]:
    names = {code: list(names) for code, names in DEMO_ENTERPRISES.items()}
    for code, rows in EXTRA_ENTERPRISES.items():
        names.setdefault(code, []).extend(n for n, _ in rows)
    return {code: list(Organisation.objects.filter(name__in=n).order_by("name")) for code, n in names.items()}


def load_enterprises(agency: User, rng: random.Random) -> None:
    if EnterpriseProfile.objects.exists():
        return
    industries = {i.code: i for i in Industry.objects.all()}
    for code, orgs in _enterprise_orgs().items():
        for i, org in enumerate(orgs):
            insured = rng.randint(60, 1800)
            licence = LICENCES[i % 3] if code == "hazchem" else ""
            enterprise_services.enterprise_save(
                actor=agency,
                organisation=org,
                org_data={},
                data={
                    "industry": industries[code],
                    "industry_code": GBT[code],
                    "licence_type": licence,
                    "licence_number": f"（鲁）WH安许证字〔2021〕{300 + i:06d}号" if licence else "",
                    "insured_headcount": insured,
                    "contact_name": "安全科",
                    "contact_phone": f"0533-{rng.randint(2000000, 8999999)}",
                },
            )
            risk = rng.uniform(0.5, 9.0)  # cases per 1,000 insured, varies by enterprise
            for year in (2020, 2021, 2022):
                headcount = max(30, int(insured * rng.uniform(0.9, 1.1)))
                cases = int(headcount * risk / 1000 * rng.uniform(0.6, 1.4))
                premiums = Decimal(headcount * rng.randint(900, 1600)).quantize(Decimal("0.01"))
                benefits = (premiums * Decimal(str(round(risk / 5 * rng.uniform(0.3, 1.5), 3)))).quantize(
                    Decimal("0.01")
                )
                enterprise_services.statistic_save(
                    actor=agency,
                    enterprise=org,
                    year=year,
                    data={
                        "accident_cases": cases,
                        "disease_cases": 1 if code == "hazchem" and rng.random() < 0.2 else 0,
                        "insured_headcount": headcount,
                        "premiums_paid": premiums,
                        "benefits_paid": benefits,
                    },
                )
    # The 2023 key enterprises of machinery, transport and construction, from the 2022 figures.
    for code in ("machinery", "transport", "construction"):
        for row in ranking(user=agency, industry=industries[code], year=2022)[:2]:
            if not KeyEnterpriseMark.objects.filter(enterprise=row.stat.enterprise, year=2023).exists():
                enterprise_services.key_mark(
                    actor=agency,
                    enterprise=row.stat.enterprise,
                    year=2023,
                    reason=f"依 2022 年数据综合排名第 {row.position}：{row.reason}"[:500],
                )


def _project(agreement: ServiceAgreement, agency: User) -> Project:
    project = Project.objects.filter(agreement=agreement).first()
    if project is None:
        region_names = {"山东齐安安全技术服务有限公司": ["临淄区", "桓台县", "张店区"]}.get(
            agreement.provider.name, ["张店区", "淄川区", "周村区"]
        )
        project = project_open(
            agreement=agreement,
            actor=agency,
            regions=Region.objects.filter(city=agreement.provider.city, name__in=region_names),
        )
    staff = User.objects.filter(organisation=agreement.provider, roles__role="provider_staff").first()
    steps = {
        ProjectStatus.PLAN_PENDING: ("submit_plan", staff),
        ProjectStatus.UNDER_REVIEW: ("approve_plan", agency),
        ProjectStatus.APPROVED: ("start", staff),
    }
    while project.status in steps:
        action, actor = steps[project.status]
        project_transition(project=project, action=action, actor=actor, note="演示数据")
    return project


def _xlsx(rows: list[list], title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    ws.append(["填报单位（盖章）：", None, None, "填报日期："])
    ws.append(["序号", "姓　名", "身份证号码", "联系电话", "工作单位", "统一社会信用代码", "行业", "岗位"])
    for i, r in enumerate(rows, start=1):
        ws.append([i, *r])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _row(p: Person) -> list:
    """A real-name roster row (分单位、分行业、分岗位): what the archive holds, nothing filled in."""
    return [
        p.name,
        p.id_number,
        p.phone,
        p.enterprise.name if p.enterprise else "",
        p.enterprise.credit_code if p.enterprise else "",
        p.industry.name if p.industry else "",
        p.position.name if p.position else "",
    ]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _session(project, staff, *, kind, industry, topic, region, venue, day, hours=(9, 12), capacity=60, class_hours="4"):
    return services.session_create(
        project=project,
        data={
            "kind": kind,
            "industry": industry,
            "topic": topic,
            "region": region,
            "venue": venue,
            "starts_at": _at(day, hours[0]),
            "ends_at": _at(day, hours[1]),
            "class_hours": class_hours,
            "instructors": "刘建军（注册安全工程师）、王海燕",
            "capacity": capacity,
        },
        enterprises=[],
        actor=staff,
    )


def _import(session, staff, rows: list[list], title: str) -> None:
    checked = roster_check(io.BytesIO(_xlsx(rows, title)), "花名册.xlsx", session)
    services.roster_apply(session=session, checked=checked, actor=staff, filename="花名册.xlsx")


def _attend(session, people, rng, *, out=True, device_burst=0, late=None):
    day = session.day
    for i, p in enumerate(people):
        device = f"demo-phone-{p.pk}"
        if i < device_burst:
            device = "demo-phone-shared"
        arrive = session.starts_at - datetime.timedelta(minutes=rng.randint(2, 25))
        if i < device_burst:
            arrive = session.starts_at - datetime.timedelta(minutes=10, seconds=-i * 40)
        if late is not None and p == late:
            arrive = _at(day, 6, 40)
        services.attendance_sign(
            session=session, person=p, direction="in", method=Method.QR, device=device, ip="10.20.0.8", at=arrive
        )
        if out:
            leave = session.ends_at + datetime.timedelta(minutes=rng.randint(0, 8))
            if rng.random() < 0.08:
                leave = session.ends_at - datetime.timedelta(minutes=rng.randint(40, 90))  # left early
            services.attendance_sign(
                session=session, person=p, direction="out", method=Method.QR, device=device, ip="10.20.0.8", at=leave
            )


def _days(start: datetime.date, end: datetime.date, weekdays: set[int]) -> list[datetime.date]:
    days, day = [], start
    while day <= end:
        if day.weekday() in weekdays:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _hold(project, staff, people, rng, *, kind, industry, topic, region, venue, day, class_hours, title):
    """One whole-day session through the platform: the roster imported, the venue terminal's
    sign-ins handed over in bulk (a few leave early and do not complete), the session closed;
    audited at the session's own dates."""
    with demo_clock(max(day - datetime.timedelta(days=7), datetime.date(2023, 9, 16))):
        session = _session(
            project,
            staff,
            kind=kind,
            industry=industry,
            topic=topic,
            region=region,
            venue=venue,
            day=day,
            hours=(8, 17),
            capacity=len(people) + 10,
            class_hours=class_hours,
        )
    with demo_clock(day - datetime.timedelta(days=2)):
        _import(session, staff, [_row(p) for p in people], title)
    signs = []
    for p in people:
        arrive = session.starts_at - datetime.timedelta(minutes=rng.randint(2, 25))
        leave = session.ends_at + datetime.timedelta(minutes=rng.randint(0, 8))
        if rng.random() < 0.03:
            leave = session.ends_at - datetime.timedelta(minutes=rng.randint(90, 180))  # left early
        signs.append({"person": p, "signed_in_at": arrive, "signed_out_at": leave, "device": f"demo-phone-{p.pk}"})
    with demo_clock(session.ends_at + datetime.timedelta(minutes=15)):
        services.attendance_sign_many(session=session, signs=signs, actor=staff)
        services.session_transition(session=session, action="close", actor=staff)
    return session


def _in_sessions(people: list, size: int) -> list[list]:
    count = max(1, -(-len(people) // size))
    return [people[i::count] for i in range(count)]


def hold_cohort_sessions(users, plan: Plan, qian, zhong, *, scale: float) -> None:
    """The bulk of the year's offline training, September to December 2023: the hazardous-
    chemicals programme's key people (new ones, and last year's cohort coming back for their
    third day), team leaders' practical training, and the key industries' training, each in
    whole-day sessions of about a hundred people."""
    from .training import HAZCHEM_WEIGHTS, KEY_WEIGHTS, People

    rng = random.Random(2023)
    owner = users["owner"]
    qian_staff = users["provider"]
    zhong_staff = User.objects.filter(organisation=zhong.provider, roles__role="provider_staff").first()
    industries = {i.code: i for i in Industry.objects.all()}
    regions = {r.name: r for r in Region.objects.filter(city=plan.city)}
    orgs = _enterprise_orgs()
    returning = list(
        Person.objects.filter(completions__year=2022, completions__historic=True)
        .exclude(roster_entries__isnull=False)  # not the people of the sessions above
        .select_related("enterprise", "position")
        .order_by("pk")
        .distinct()
    )
    returning = returning[: round(len(returning) * 0.72)]
    new = People(owner, seed=2301, scale=scale).make(orgs["hazchem"], 1700, industry="hazchem", weights=HAZCHEM_WEIGHTS)
    new = list(Person.objects.filter(pk__in=[p.pk for p in new]).select_related("enterprise", "position"))
    hazchem = sorted(returning + new, key=lambda p: p.pk)
    hz_days = _days(datetime.date(2023, 9, 18), datetime.date(2023, 12, 14), {0, 3})  # Mondays, Thursdays
    hz_venues = [("临淄区", "临淄区人社局职工培训中心三楼报告厅"), ("桓台县", "桓台县化工园区管委会培训室")]
    groups = _in_sessions(hazchem, 100)
    for i, group in enumerate(groups):
        region, venue = hz_venues[i % 2]
        _hold(
            qian,
            qian_staff,
            group,
            rng,
            kind="centralised",
            industry=industries["hazchem"],
            topic="危险化学品企业重点岗位人员工伤预防能力提升培训",
            region=regions[region],
            venue=venue,
            day=hz_days[i * len(hz_days) // len(groups)],
            class_hours="8",
            title=f"2023年危险化学品企业工伤预防能力提升培训（第{i + 1}期）花名册",
        )
    leaders = [p for p in hazchem if p.position and p.position.code == "team_leader"][: max(1, round(600 * scale))]
    practical_days = _days(datetime.date(2023, 10, 6), datetime.date(2023, 12, 8), {4})  # Fridays
    groups = _in_sessions(leaders, 100)
    for i, group in enumerate(groups):
        _hold(
            qian,
            qian_staff,
            group,
            rng,
            kind="practical",
            industry=industries["hazchem"],
            topic="一线班组长应急处置实操培训（有限空间作业、个体防护）",
            region=regions["桓台县"],
            venue="桓台县化工园区实训基地",
            day=practical_days[i * len(practical_days) // len(groups)],
            class_hours="8",
            title=f"一线班组长实操培训（第{i + 1}期）花名册",
        )
    key_days = _days(datetime.date(2023, 9, 18), datetime.date(2023, 11, 30), {0, 3})
    key_venues = {"construction": "张店区", "machinery": "周村区", "transport": "淄川区"}
    topics = {
        "construction": "建筑施工高处坠落与物体打击事故预防",
        "machinery": "机械制造企业机械伤害事故预防",
        "transport": "道路运输企业车辆伤害事故预防",
    }
    number = 0
    for code, n in (("construction", 800), ("machinery", 700), ("transport", 500)):
        made = People(owner, seed=2302 + n, scale=scale).make(orgs[code], n, industry=code, weights=KEY_WEIGHTS)
        made = list(Person.objects.filter(pk__in=[p.pk for p in made]).select_related("enterprise", "position"))
        groups = _in_sessions(made, 100)
        for i, group in enumerate(groups):
            number += 1
            _hold(
                zhong,
                zhong_staff,
                group,
                rng,
                kind="centralised",
                industry=industries[code],
                topic=topics[code] + "集中培训",
                region=regions[key_venues[code]],
                venue=f"{key_venues[code]}职业技能公共实训中心",
                day=key_days[i * len(key_days) // len(groups)],
                class_hours="6",
                title=f"重点行业工伤预防培训（第{number}期）花名册",
            )


def load(users: dict[str, User], plan: Plan, *, scale: float = 1.0) -> None:
    agency = users["agency"]
    rng = random.Random(6)
    with demo_clock(datetime.date(2023, 9, 10)):
        load_enterprises(agency, rng)
    if TrainingSession.objects.exists():
        return
    # The sessions that show the flags, audited at the end of November when they had all run.
    with demo_clock(datetime.date(2023, 11, 22)):
        industries = {i.code: i for i in Industry.objects.all()}
        regions = {r.name: r for r in Region.objects.filter(city=plan.city)}
        agreements = ServiceAgreement.objects.filter(item__line__plan=plan, provider__provider_profile__kind="training")
        projects = {a.provider.name: _project(a, agency) for a in agreements}
        qian = projects.get("山东齐安安全技术服务有限公司")
        zhong = projects.get("淄博众诚职业培训学校")
        if qian is None or zhong is None:
            return
        qian_staff = users["provider"]
        zhong_staff = User.objects.filter(organisation=zhong.provider, roles__role="provider_staff").first()
        orgs = _enterprise_orgs()
        n = max(6, min(40, int(40 * scale * 50)))

        def people_of(code, count, exclude=()):
            qs = Person.objects.filter(enterprise__in=orgs[code]).exclude(pk__in=[p.pk for p in exclude])
            return list(qs.select_related("enterprise", "industry", "position").order_by("pk")[:count])

        # 1. Centralised hazardous-chemicals training in Linzi, closed: completions are written.
        hz = people_of("hazchem", n)
        s1 = _session(
            qian,
            qian_staff,
            kind="centralised",
            industry=industries["hazchem"],
            topic="危险化学品企业主要负责人及安全管理人员工伤预防集中培训",
            region=regions["临淄区"],
            venue="临淄区人社局职工培训中心三楼报告厅",
            day=datetime.date(2023, 10, 17),
            capacity=n + 5,
        )
        _import(s1, qian_staff, [_row(p) for p in hz], "2023年危险化学品企业工伤预防能力提升培训（第一期）花名册")
        _attend(s1, hz[:-2], rng, device_burst=4)
        services.session_transition(session=s1, action="close", actor=qian_staff)

        # 2. Practical training for team leaders, closed.
        leaders = [p for p in people_of("hazchem", 4 * n) if p.position and p.position.code == "team_leader"][:n] or hz
        s2 = _session(
            qian,
            qian_staff,
            kind="practical",
            industry=industries["hazchem"],
            topic="一线班组长应急处置实操培训（有限空间作业、个体防护）",
            region=regions["桓台县"],
            venue="桓台县化工园区实训基地",
            day=datetime.date(2023, 11, 8),
            hours=(8, 17),
            class_hours="8",
        )
        _import(s2, qian_staff, [_row(p) for p in leaders], "实操培训花名册")
        _attend(s2, leaders, rng)
        services.session_transition(session=s2, action="close", actor=qian_staff)

        # 3. On-site training in a construction enterprise, closed; a retiree on the roster and one
        #    sign-in hours before the start.
        builders = people_of("construction", n)
        s3 = _session(
            zhong,
            zhong_staff,
            kind="on_site",
            industry=industries["construction"],
            topic="建筑施工高处坠落与物体打击事故预防（深入企业）",
            region=regions["张店区"],
            venue="淄博建工集团第二建设有限公司项目部会议室",
            day=datetime.date(2023, 10, 24),
            hours=(14, 17),
            class_hours="3",
        )
        retiree_id = "37030319580115001" + ric.calc_check_digit("37030319580115001" + "0")
        retiree = ["孙福来", retiree_id, "", "", "", "建筑施工", "其他从业人员"]
        if builders:
            retiree[3:5] = [builders[0].enterprise.name, builders[0].enterprise.credit_code]
        _import(s3, zhong_staff, [_row(p) for p in builders] + [retiree], "深入企业培训花名册")
        rostered = list(Person.objects.filter(roster_entries__session=s3).order_by("pk"))
        _attend(s3, rostered, rng, late=rostered[-1] if rostered else None)
        services.session_transition(session=s3, action="close", actor=zhong_staff)

        # 4. Machinery, at the same hour as another session some people are also rostered for, and a
        #    second centralised session of people already completed (counted twice for one target).
        machinists = people_of("machinery", n)
        s4 = _session(
            zhong,
            zhong_staff,
            kind="centralised",
            industry=industries["machinery"],
            topic="机械制造企业机械伤害事故预防集中培训",
            region=regions["周村区"],
            venue="周村区职业技能公共实训中心",
            day=datetime.date(2023, 10, 24),
            hours=(14, 17),
            class_hours="6",
        )
        _import(s4, zhong_staff, [_row(p) for p in machinists] + [_row(p) for p in builders[:2]], "机械制造培训花名册")
        _attend(s4, machinists, rng)
        services.session_transition(session=s4, action="close", actor=zhong_staff)
        s5 = _session(
            qian,
            qian_staff,
            kind="centralised",
            industry=industries["hazchem"],
            topic="危险化学品企业工伤预防集中培训（第二期）",
            region=regions["张店区"],
            venue="张店区人社局培训中心",
            day=datetime.date(2023, 11, 21),
            capacity=max(4, n // 4),
        )
        again = hz[: max(4, n // 3)]
        _import(s5, qian_staff, [_row(p) for p in again], "第二期花名册")
        _attend(s5, again, rng)
        services.session_transition(session=s5, action="close", actor=qian_staff)

        # 5. A December session still to run, with a messy roster checked and waiting to be confirmed.
        s6 = _session(
            qian,
            qian_staff,
            kind="centralised",
            industry=industries["hazchem"],
            topic="危险化学品企业工伤预防集中培训（第三期）",
            region=regions["桓台县"],
            venue="桓台县人社局培训中心",
            day=datetime.date(2023, 12, 19),
            capacity=n,
        )
        later = people_of("hazchem", n, exclude=hz)[: max(6, n // 2)]
        rows = [_row(p) for p in later]
        if len(rows) >= 4:
            rows[1][1] = float(rows[1][1][:15] + "000")  # saved as a number by Excel
            rows[2][1] = rows[2][1][:17] + ("0" if rows[2][1][17] != "0" else "1")  # a typo
            rows[3][0] = " " + rows[3][0][0] + "\u3000" + rows[3][0][1:]  # stray spaces
            rows.append(list(rows[0]))  # the same person twice
            rows[4][5] = ""  # no industry: refused, never the session's
            # Below the table: a totals row and a note, skipped with a note.
            rows.append([f"合计：{len(rows)} 人"])
            rows.append(["注：本表由单位负责人核对后盖章报送。"])
        if not Job.objects.filter(kind="training.roster_check").exists():
            job_start(
                kind="training.roster_check",
                title=f"校验花名册：{s6}",
                actor=qian_staff,
                params={"session_id": s6.pk, "filename": "第三期花名册.xlsx"},
                file=ContentFile(_xlsx(rows, "第三期花名册"), name="第三期花名册.xlsx"),
            )
    with demo_clock(datetime.date(2023, 9, 16)):
        hold_cohort_sessions(users, plan, qian, zhong, scale=scale)
