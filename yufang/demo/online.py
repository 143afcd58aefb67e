"""The online platform's learners of September to December 2023, after it went live, through
its own flows and at the demo's dates: each Monday the agency uploads the week's enrolment list
(the roster check job, then the enrolment apply job: people, accounts, enrolments); the week's
study, recorded sitting by sitting on the learners' phones, is credited on Saturday by the
heartbeat's rule (study_credit_many); the same Saturday the agency's proctored exam session
scores the papers on the server (exam_start_many, exam_submit_many), and whoever now meets the
year's rule gets the certificate and the online completion (enrolments_certify). A few learners
stop part-way, a few fail an exam once and pass the retake. Idempotent: the first week's list
marks the run."""

import datetime
import io
import random

from django.core.files.base import ContentFile
from openpyxl import Workbook
from stdnum.cn import ric

from yufang.accounts.models import Organisation, User
from yufang.core.jobs import run_job
from yufang.core.models import Job
from yufang.learning import services
from yufang.learning.enrolment import CHECK_JOB, enrolment_apply_start
from yufang.learning.models import Course, Enrolment, Question
from yufang.learning.selectors import curriculum_for
from yufang.plans.models import Plan
from yufang.reference.models import Industry, Position

from .clock import at, demo_clock
from .training import GIVEN, ONLINE_WEIGHTS, SURNAMES

# Learners enrolled on the platform per industry at full scale; the earlier platform's records
# of January to August (training.py) make up the rest of the year's online figure.
ONLINE_LEARNERS = {
    "hazchem": 700,
    "construction": 500,
    "machinery": 550,
    "transport": 400,
    "express": 450,
    "other": 200,
}
FIRST_MONDAY = datetime.date(2023, 9, 18)
WEEKS = 13  # to the week of 11 December
UA = "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/116.0 Mobile Safari/537.36 YunxiangApp/2.3"
STOP_SHARE = 0.07  # enrolled, studied a little and stopped
RETAKE_SHARE = 0.05  # failed an exam once and passed the retake


def _list_name(week: int) -> str:
    return f"云享平台线上培训报名名单（第{week}批）.xlsx"


def _rows(rng: random.Random, orgs: dict[str, list[Organisation]], scale: float) -> list[list]:
    """Enrolment list rows (分单位、分行业、分岗位、实名制) of people not yet on file. Birth dates
    keep everyone of working age whatever day the list is checked."""
    industries = dict(Industry.objects.values_list("code", "name"))
    positions = dict(Position.objects.values_list("code", "name"))
    codes, weights = zip(*ONLINE_WEIGHTS.items(), strict=True)
    rows, seq, seen = [], 0, set()
    for code, n in ONLINE_LEARNERS.items():
        made = 0
        while made < max(1, round(n * scale)):
            seq += 1
            enterprise = rng.choice(orgs[code])
            birth = datetime.date(1974, 1, 1) + datetime.timedelta(days=rng.randint(0, 9000))
            region = enterprise.region.code if enterprise.region and enterprise.region.code else "370303"
            first17 = f"{region}{birth:%Y%m%d}{600 + seq % 400:03d}"
            if first17 in seen:
                continue
            seen.add(first17)
            made += 1
            rows.append(
                [
                    rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                    first17 + ric.calc_check_digit(first17 + "0"),
                    f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
                    enterprise.name,
                    enterprise.credit_code,
                    industries[code],
                    positions[rng.choices(codes, weights)[0]],
                ]
            )
    rng.shuffle(rows)
    return rows


def _xlsx(rows: list[list], title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(["序号", "姓名", "身份证号码", "手机号", "工作单位", "统一社会信用代码", "行业", "岗位"])
    for i, r in enumerate(rows, start=1):
        ws.append([i, *r])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _enrol(agency: User, plan: Plan, week: int, rows: list[list]) -> list[Enrolment]:
    """The agency's upload: the check job, then the apply job, run here as the worker would."""
    from yufang.core.jobs import job_start

    name = _list_name(week)
    last = Enrolment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    check = job_start(
        kind=CHECK_JOB,
        title=f"校验线上培训报名名单（{plan.year}年）",
        actor=agency,
        params={"plan_id": plan.pk, "filename": name},
        file=ContentFile(_xlsx(rows, f"{plan.year}年云享平台工伤预防线上培训报名表（第{week}批）"), name=name),
    )
    run_job.call(check.pk)
    check.refresh_from_db()
    apply = enrolment_apply_start(actor=agency, check_job=check)
    run_job.call(apply.pk)
    # The list's new learners (a row of someone enrolled before is not enrolled twice).
    return list(Enrolment.objects.filter(plan=plan, pk__gt=last).select_related("person", "plan").order_by("pk"))


def _study(enrolment: Enrolment, lessons: list, monday: datetime.date, rng: random.Random, stop: bool):
    """The week's sittings, played through on the phone one after another: an evening's study
    starts at noon or after work, and a long lesson or a tired learner ends the evening."""
    records = []
    day = monday
    cursor = at(day, rng.choice((12, 19, 20)), rng.randint(0, 40))
    for lesson in lessons[:1] if stop else lessons:
        seconds = max(1, lesson.duration_seconds // 3) if stop else lesson.duration_seconds
        begin = cursor + datetime.timedelta(minutes=rng.randint(1, 8))
        end = begin + datetime.timedelta(seconds=seconds + rng.randint(3, 40))
        records.append(
            services.StudyRecord(
                enrolment=enrolment,
                lesson=lesson,
                started_at=begin,
                ended_at=end,
                position=seconds,
                device_id=f"yx-{enrolment.person_id}",
                user_agent=UA,
            )
        )
        cursor = end
        if lesson.duration_seconds > 1000 or rng.random() < 0.3:
            day += datetime.timedelta(days=1)
            cursor = at(day, rng.choice((12, 19, 20)), rng.randint(0, 40))
    return records


def _answers(attempt, bank: dict[int, str], right: bool) -> dict[str, str]:
    return {str(q): (bank[q] if right else ("B" if bank[q] != "B" else "A")) for q in attempt.question_ids}


def _exam_session(agency, course, enrolments, day, rng, bank) -> None:
    """The Saturday session of one course's exam: papers drawn, sheets scored; a few fail and
    sit the retake at the next hour."""
    if not enrolments:
        return
    start = at(day, 9)
    attempts = services.exam_start_many(actor=agency, course=course, starts=dict.fromkeys(enrolments, start))
    failing = {a.pk for a in attempts if rng.random() < RETAKE_SHARE}
    handed_in = start + datetime.timedelta(minutes=12)
    services.exam_submit_many(
        actor=agency, sheets=[(a, _answers(a, bank, a.pk not in failing), handed_in) for a in attempts]
    )
    again = [a.enrolment for a in attempts if a.pk in failing]
    if again:
        start = at(day, 10, 30)
        retakes = services.exam_start_many(actor=agency, course=course, starts=dict.fromkeys(again, start))
        services.exam_submit_many(
            actor=agency,
            sheets=[(a, _answers(a, bank, True), start + datetime.timedelta(minutes=10)) for a in retakes],
        )


def load(users: dict[str, User], plan: Plan, *, scale: float = 1.0) -> None:
    if Job.objects.filter(kind=CHECK_JOB, params__filename=_list_name(1)).exists():
        return
    from .training_sessions import _enterprise_orgs

    agency = users["agency"]
    rng = random.Random(2309)
    rows = _rows(rng, _enterprise_orgs(), scale)
    courses = {c.pk: c for c in Course.objects.prefetch_related("lessons").select_related("exam")}
    bank = dict(Question.objects.values_list("pk", "answer"))
    curricula: dict[tuple, list] = {}
    for week in range(1, WEEKS + 1):
        monday = FIRST_MONDAY + datetime.timedelta(weeks=week - 1)
        batch = rows[(week - 1) * len(rows) // WEEKS : week * len(rows) // WEEKS]
        if not batch:
            continue
        with demo_clock(at(monday, 9)):
            enrolments = _enrol(agency, plan, week, batch)
        records, studied = [], {}
        for enrolment in enrolments:
            audience = (enrolment.person.industry_id, enrolment.person.position_id)
            if audience not in curricula:
                kinds = curriculum_for(plan=plan, industry_id=audience[0], position_id=audience[1])
                # Required courses first, then the electives.
                curricula[audience] = sorted(
                    (courses[pk] for pk in kinds), key=lambda c, k=kinds: (k[c.pk] != "required", c.code)
                )
            stop = rng.random() < STOP_SHARE
            lessons = [lesson for course in curricula[audience] for lesson in course.lessons.all()]
            records += _study(enrolment, lessons, monday, rng, stop)
            if not stop:
                studied[enrolment.pk] = (enrolment, curricula[audience])
        saturday = monday + datetime.timedelta(days=5)
        with demo_clock(at(saturday, 8)):
            services.study_credit_many(actor=agency, plan=plan, records=records)
        with demo_clock(at(saturday, 11, 30)):
            examined = {c.pk: c for _, cs in studied.values() for c in cs if hasattr(c, "exam")}
            for course in sorted(examined.values(), key=lambda c: c.code):
                sitting = [e for e, cs in studied.values() if course in cs]
                _exam_session(agency, course, sitting, saturday, rng, bank)
