"""Writes on the knowledge quiz: competitions and their rounds (lifecycle through the transition
table, audited), participants joining without an account, and papers drawn, timed and scored on
the server. A paper's submission is idempotent: the paper row is locked, a submitted paper answers
with its first result, and the participant's counted result moves in the same transaction."""

import datetime
import random
import secrets
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from yufang.accounts.models import Organisation, OrganisationKind, User
from yufang.core import audit
from yufang.core.masking import mask_id_number
from yufang.core.models import AuditAction
from yufang.core.permissions import require as _require
from yufang.core.services import model_create, model_update
from yufang.core.workflow import Transition, Workflow
from yufang.learning.models import Question
from yufang.people import idnumbers
from yufang.projects.models import Project
from yufang.reference.models import Region
from yufang.training.flags import raise_record_flag
from yufang.training.models import FlagKind, FlagSource

from . import hotpath
from . import permissions as may
from .models import Competition, CompetitionStatus, Counting, Paper, Participant, Round
from .scoring import bank_problems, counted_better, grade, shown_sequence
from .selectors import enterprise_for_code

GRACE_SECONDS = hotpath.GRACE_SECONDS
# So many participants from one device in one competition is a flag (a family shares a phone).
SHARED_DEVICE = 4
# Two papers with the same answers whose answering times differ by at most this are a flag.
SAME_ANSWERS_MS = 3000
COMPETITION_FIELDS = [
    "name",
    "description",
    "draw",
    "time_limit_seconds",
    "attempts_per_day",
    "attempts_total",
    "counting",
    "awards",
    "reach_participants",
    "min_seconds_per_question",
]


# --- Competitions -----------------------------------------------------------------------------


def _clean_draw(draw: Any) -> list[dict]:
    if not isinstance(draw, list) or not draw:
        raise ValidationError({"draw": ["请至少设定一条抽题规则（题目分类、难度、题数）。"]})
    rows, seen = [], set()
    for i, row in enumerate(draw, start=1):
        category = str((row or {}).get("category", "")).strip()
        difficulty = row.get("difficulty") or None
        count = row.get("count")
        if not category:
            raise ValidationError({"draw": [f"第 {i} 条抽题规则未填题目分类。"]})
        if difficulty not in (None, 1, 2, 3):
            raise ValidationError({"draw": [f"第 {i} 条抽题规则的难度应为易、中、难或不限。"]})
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100:
            raise ValidationError({"draw": [f"第 {i} 条抽题规则的题数应为 1–100 的整数。"]})
        if (category, difficulty) in seen:
            raise ValidationError({"draw": [f"第 {i} 条抽题规则与前面的重复。"]})
        seen.add((category, difficulty))
        rows.append({"category": category, "difficulty": difficulty, "count": count})
    return rows


def _clean_awards(awards: Any) -> list[dict]:
    rows = []
    for i, row in enumerate(awards or [], start=1):
        name = str(row.get("name", "")).strip()
        places, min_score = row.get("places"), row.get("min_score", 0)
        if not name or not isinstance(places, int) or places < 1 or not isinstance(min_score, int):
            raise ValidationError({"awards": [f"第 {i} 个奖项须有名称、名额（正整数）和最低分。"]})
        rows.append({"name": name, "places": places, "min_score": max(0, min(100, min_score))})
    return rows


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in data.items() if k in COMPETITION_FIELDS}
    if "draw" in values:
        values["draw"] = _clean_draw(values["draw"])
    if "awards" in values:
        values["awards"] = _clean_awards(values["awards"])
    if values.get("counting", Counting.BEST) not in Counting.values:
        raise ValidationError({"counting": ["计分方式应为取最高成绩或取首次成绩。"]})
    per_day, total = values.get("attempts_per_day"), values.get("attempts_total")
    if per_day is not None and total is not None and total < per_day:
        raise ValidationError({"attempts_total": ["累计可答次数不能少于每日可答次数。"]})
    return values


def _clean_rounds(rounds: list[dict]) -> list[dict]:
    if not rounds:
        raise ValidationError({"rounds": ["请至少设定一个轮次。"]})
    cleaned = []
    for i, r in enumerate(sorted(rounds, key=lambda r: r["opens_at"]), start=1):
        if r["closes_at"] <= r["opens_at"]:
            raise ValidationError({"rounds": [f"第 {i} 轮的结束时间须晚于开始时间。"]})
        if cleaned and r["opens_at"] < cleaned[-1]["closes_at"]:
            raise ValidationError({"rounds": [f"第 {i} 轮与上一轮时间重叠。"]})
        cleaned.append(
            {"number": i, "name": r.get("name") or f"第{i}轮", **{k: r[k] for k in ("opens_at", "closes_at")}}
        )
    return cleaned


@transaction.atomic
def competition_create(*, project: Project, data: dict[str, Any], rounds: list[dict], actor: User) -> Competition:
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("agreement__item__line", "plan")
        .get(pk=project.pk)
    )
    _require(may.can_create(actor, project))
    values = _clean(data)
    competition = model_create(
        model=Competition, data={"plan": project.plan, "project": project, **values}, actor=actor
    )
    for r in _clean_rounds(rounds):
        model_create(model=Round, data={"competition": competition, **r}, actor=actor)
    return competition


@transaction.atomic
def competition_update(
    *, competition: Competition, data: dict[str, Any], rounds: list[dict] | None = None, actor: User
) -> Competition:
    competition = Competition.objects.select_for_update(of=("self",)).select_related("project").get(pk=competition.pk)
    _require(may.can_edit(actor, competition))
    values = _clean(data)
    competition, _ = model_update(instance=competition, fields=list(values), data=values, actor=actor)
    if rounds is not None:
        cleaned = _clean_rounds(rounds)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=competition,
            event="rounds",
            changes={"rounds": [list(competition.rounds.values("name", "opens_at", "closes_at")), cleaned]},
        )
        competition.rounds.all().delete()
        for r in cleaned:
            Round.objects.create(competition=competition, **r)
    return competition


def _publish(*, obj: Competition, actor: User, note: str = "", **params) -> None:
    problems = bank_problems(obj)
    if not obj.rounds.exists():
        problems.append("竞答还没有轮次。")
    if problems:
        raise ValidationError(problems)


COMPETITION_WORKFLOW = Workflow(
    model=Competition,
    transitions=[
        Transition(
            CompetitionStatus.DRAFT,
            "publish",
            CompetitionStatus.PUBLISHED,
            "发布",
            may.can_run,
            effect=_publish,
            confirm="发布后规则和轮次冻结，各企业即可打印二维码海报，参与者在轮次开放时间内答题。",
            done="已发布",
        ),
        Transition(
            CompetitionStatus.PUBLISHED,
            "close",
            CompetitionStatus.CLOSED,
            "结束竞答",
            may.can_run,
            style="outline-secondary",
            confirm="结束后不再接受答题，榜单和获奖名单定稿。",
            done="已结束",
        ),
        Transition(
            CompetitionStatus.DRAFT,
            "cancel",
            CompetitionStatus.CANCELLED,
            "取消",
            may.can_run,
            style="outline-danger",
            needs_note=True,
        ),
        Transition(
            CompetitionStatus.PUBLISHED,
            "cancel",
            CompetitionStatus.CANCELLED,
            "取消",
            may.can_run,
            style="outline-danger",
            needs_note=True,
        ),
    ],
)


def competition_transition(*, competition: Competition, action: str, actor: User, note: str = "") -> Competition:
    return COMPETITION_WORKFLOW.perform(obj=competition, action=action, actor=actor, note=note)


# --- Participants -----------------------------------------------------------------------------


def _accepting(competition: Competition) -> None:
    if competition.status != CompetitionStatus.PUBLISHED:
        raise ValidationError("本竞答当前不接受参与。")


@transaction.atomic
def participant_join(
    *,
    competition: Competition,
    name: str,
    id_number: str,
    phone: str,
    credit_code: str = "",
    region: Region | None = None,
    actor: User | None = None,
    device: str = "",
    ip: str | None = None,
) -> Participant:
    """Joins a competition as a named person (no account needed). The employer's credit code is
    matched to the enterprise register; an unknown one answers as 其他企业 of the district chosen.
    The same ID number joining again with the same name gets its participant back (the attempt
    limits then answer a further paper); with another name it is refused."""
    _accepting(competition)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name or len(name) > 50:
        errors["name"] = ["请填写姓名。"]
    try:
        info = idnumbers.check(id_number)
    except ValidationError as e:
        errors["id_number"] = list(e.messages)
        info = None
    phone = (phone or "").strip()
    if not (len(phone) == 11 and phone.isdigit() and phone[0] == "1"):
        errors["phone"] = ["请填写 11 位手机号。"]
    enterprise = enterprise_for_code(credit_code)
    code = (credit_code or "").strip().upper()[:18]
    if enterprise is not None and enterprise.region_id:
        region_id = enterprise.region_id
    elif region is not None and region.city_id == competition.plan.city_id:
        region_id = region.pk
    else:
        errors["region"] = ["未在企业名录中找到该统一社会信用代码：请选择单位所在区县，按“其他企业”参与。"]
        region_id = None
    if errors:
        raise ValidationError(errors)
    key = idnumbers.id_hash(info.number)
    existing = Participant.objects.filter(competition=competition, id_hash=key).first()
    if existing is not None:
        if existing.name != name:
            raise ValidationError({"id_number": ["该身份证号已用其他姓名参与本竞答。"]})
        return existing
    participant = Participant(
        competition=competition,
        id_hash=key,
        key=secrets.token_hex(16),
        id_masked=mask_id_number(info.number),
        name=name,
        phone=phone,
        credit_code=code,
        enterprise=enterprise,
        region_id=region_id,
        user=actor if getattr(actor, "pk", None) else None,
        person=getattr(actor, "person", None) if getattr(actor, "pk", None) else None,
        device=device[:64],
        client_ip=ip,
    )
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:  # the same ID joined at the same moment from another phone
        return Participant.objects.get(competition=competition, id_hash=key)
    audit.record_create(actor=actor, instance=participant, event="quiz_join")
    _shared_device_check(participant)
    return participant


def participant_join_self(*, competition: Competition, actor: User, device: str = "", ip=None) -> Participant:
    """A signed-in trainee takes part with one tap: their archive's name, ID, phone, employer."""
    person = getattr(actor, "person", None)
    if person is None:
        raise ValidationError("您的账号没有关联人员档案，请填写信息参与。")
    enterprise = person.enterprise
    return participant_join(
        competition=competition,
        name=person.name,
        id_number=person.id_number,
        phone=person.phone or actor.phone or "",
        credit_code=enterprise.credit_code if enterprise else "",
        region=person.region or (enterprise.region if enterprise else None),
        actor=actor,
        device=device,
        ip=ip,
    )


def participants_join_many(*, competition: Competition, rows: list[dict], actor: User) -> list[Participant]:
    """The bulk form of participant_join for loading many at once (the demo, a paper-sheet
    session typed in): the same checks per row, one insert, one audit statement. All or nothing."""
    _require(may.can_run(actor, competition))
    _accepting(competition)
    codes = {r.get("credit_code", "").strip().upper() for r in rows} - {""}
    register = {
        o.credit_code: o
        for o in Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_active=True, credit_code__in=codes)
    }
    seen = set(Participant.objects.filter(competition=competition).values_list("id_hash", flat=True))
    new, problems = [], []
    for i, r in enumerate(rows, start=1):
        try:
            info = idnumbers.check(r["id_number"])
        except ValidationError as e:
            problems.append(f"第 {i} 行：{e.messages[0]}")
            continue
        key = idnumbers.id_hash(info.number)
        if key in seen:
            continue
        seen.add(key)
        enterprise = register.get(r.get("credit_code", "").strip().upper())
        region_id = (
            enterprise.region_id if enterprise and enterprise.region_id else getattr(r.get("region"), "pk", None)
        )
        if region_id is None:
            problems.append(f"第 {i} 行：企业不在名录中，须写明区县。")
            continue
        new.append(
            Participant(
                competition=competition,
                id_hash=key,
                key=secrets.token_hex(16),
                id_masked=mask_id_number(info.number),
                name=r["name"],
                phone=r["phone"],
                credit_code=r.get("credit_code", "")[:18],
                enterprise=enterprise,
                region_id=region_id,
                device=r.get("device", "")[:64],
                client_ip=r.get("ip"),
                joined_at=r.get("at") or timezone.now(),
            )
        )
    if problems:
        raise ValidationError(problems[:20])
    with transaction.atomic():
        created = Participant.objects.bulk_create(new, batch_size=1000)
        if any(p.pk is None for p in created):
            created = list(Participant.objects.filter(competition=competition, id_hash__in=[p.id_hash for p in new]))
        audit.record_created_many(actor=actor, instances=created, event="quiz_join")
    return created


def _shared_device_check(participant: Participant) -> None:
    if not participant.device:
        return
    others = list(
        Participant.objects.filter(competition_id=participant.competition_id, device=participant.device)
        .order_by("pk")
        .values("pk", "name", "id_masked", "joined_at")
    )
    if len(others) >= SHARED_DEVICE:
        _flag_shared_device(participant.competition, participant.device, others)


def _flag_shared_device(competition: Competition, device: str, rows: list[dict]) -> None:
    raise_record_flag(
        source=FlagSource.QUIZ,
        project=competition.project,
        kind=FlagKind.QUIZ_SHARED_DEVICE,
        key=f"c{competition.pk}:d:{device[:40]}",
        summary=f"「{competition.name}」中 {len(rows)} 人从同一台设备参与答题。",
        evidence=[
            {
                "姓名": r["name"],
                "身份证号": r["id_masked"],
                "参与时间": timezone.localtime(r["joined_at"]).strftime("%Y-%m-%d %H:%M:%S"),
            }
            for r in rows[:50]
        ],
        subject=f"知识竞答：{competition.name}",
        subject_url=reverse("quiz:detail", args=[competition.pk]),
    )


# --- Papers -----------------------------------------------------------------------------------


def paper_draw(*, participant: Participant, now=None, device: str = "", ip=None) -> Paper:
    """Draws a paper on the server for the round open now (hotpath.draw: the API's draw and the
    WSGI fast path call it with the participant's key). An open paper still within its time is
    returned as it is; otherwise the attempts per day and in all decide."""
    return hotpath.draw(participant_id=participant.pk, now=now, device=device, ip=ip).paper


def paper_submit(*, token: str, answers: dict[str, Any], now=None) -> tuple[Paper, bool]:
    """Scores the paper on the server (hotpath.submit). Returns (paper, replay): a paper already
    submitted answers with its first result and nothing changes. Answers after the deadline and
    the grace are not accepted: the paper is scored as it stood unanswered."""
    result = hotpath.submit(token=token, answers=answers, now=now)
    return result.paper, result.replay


@transaction.atomic
def papers_draw_many(
    *, competition: Competition, draws: list[tuple[Participant, datetime.datetime]], actor: User
) -> list[Paper]:
    """The bulk form of paper_draw for papers handed out at once (a proctored session, the demo):
    the same rules (round open, attempts per day and in all), one insert. All or nothing."""
    _require(may.can_run(actor, competition))
    _accepting(competition)
    ids = sorted({p.pk for p, _ in draws})
    participants = {
        p.pk: p
        for p in Participant.objects.select_for_update().filter(pk__in=ids, competition=competition).order_by("pk")
    }
    held: dict[int, list] = defaultdict(list)
    for pid, day in Paper.objects.filter(participant_id__in=ids).values_list("participant_id", "day"):
        held[pid].append(day)
    rounds = list(competition.rounds.all())
    bank = hotpath.bank_of(competition.pk)
    rng = random.Random(secrets.randbits(64))  # noqa: S311 - drawing questions, not secrets
    new, problems = [], []
    for participant, moment in draws:
        if participant.pk not in participants:
            problems.append(f"{participant.name}：不是本竞答的参与者。")
            continue
        round_ = next((r for r in rounds if r.opens_at <= moment < r.closes_at), None)
        day = timezone.localdate(moment)
        if round_ is None:
            problems.append(f"{participant.name}：{moment:%Y-%m-%d %H:%M} 不在竞答的开放时间内。")
        elif len(held[participant.pk]) >= competition.attempts_total:
            problems.append(f"{participant.name}：答题机会已用完。")
        elif held[participant.pk].count(day) >= competition.attempts_per_day:
            problems.append(f"{participant.name}：当日答题次数已用完。")
        else:
            held[participant.pk].append(day)
            new.append(
                Paper(
                    participant=participant,
                    round=round_,
                    number=len(held[participant.pk]),
                    day=day,
                    token=hotpath.paper_token(),
                    started_at=moment,
                    deadline=min(moment + datetime.timedelta(seconds=competition.time_limit_seconds), round_.closes_at),
                    items=hotpath.draw_items(bank, rng),
                    device=participant.device,
                    client_ip=participant.client_ip,
                )
            )
    if problems:
        raise ValidationError(problems[:20])
    return Paper.objects.bulk_create(new, batch_size=1000)


@transaction.atomic
def papers_submit_many(
    *, competition: Competition, sheets: list[tuple[Paper, dict[str, Any], datetime.datetime]], actor: User
) -> list[Paper]:
    """The bulk form of paper_submit (answer sheets handed in at once, the demo's papers): the
    same scoring, late rule, counting and too-fast flag, written in a few statements. A paper
    already submitted keeps its first result."""
    _require(may.can_run(actor, competition))
    by_token = {paper.token: (answers, moment) for paper, answers, moment in sheets}
    papers = list(
        Paper.objects.select_for_update(of=("self",))
        .filter(token__in=by_token, participant__competition=competition, submitted_at__isnull=True)
        .order_by("pk")
    )
    participants = {
        p.pk: p
        for p in Participant.objects.select_for_update()
        .filter(pk__in={p.participant_id for p in papers})
        .order_by("pk")
    }
    questions = Question.objects.in_bulk({q for p in papers for q in p.question_ids})
    grace = datetime.timedelta(seconds=GRACE_SECONDS)
    fast = []
    for paper in sorted(papers, key=lambda p: (by_token[p.token][1], p.pk)):
        answers, moment = by_token[paper.token]
        late = moment > paper.deadline + grace
        paper.answers, paper.correct, paper.score = grade(paper.items, {} if late else answers, questions)
        paper.late, paper.submitted_at = late, moment
        paper.answer_ms = int((min(moment, paper.deadline) - paper.started_at).total_seconds() * 1000)
        participant = participants[paper.participant_id]
        participant.papers += 1
        if counted_better(competition, participant, paper):
            participant.score, participant.answer_ms, participant.counted_at = paper.score, paper.answer_ms, moment
        if not late and paper.answer_ms < len(paper.items) * competition.min_seconds_per_question * 1000:
            fast.append((participant, paper))
    Paper.objects.bulk_update(
        papers, ["answers", "correct", "score", "late", "submitted_at", "answer_ms"], batch_size=1000
    )
    Participant.objects.bulk_update(
        list(participants.values()), ["papers", "score", "answer_ms", "counted_at"], batch_size=1000
    )
    for participant, paper in fast:
        hotpath.flag_too_fast(competition, participant, paper)
    return papers


@transaction.atomic
def competition_scan(*, competition: Competition, actor: User) -> int:
    """Scans the competition's papers for the findings a single submission cannot see: many
    participants from one device, identical answer sequences (the letters tapped, in order, on
    papers whose options are shuffled apiece: a script or a shared key sheet) with near-identical
    answering times. Returns how many findings were raised (a finding is raised once)."""
    _require(may.can_run(actor, competition))
    raised = 0
    devices = (
        Participant.objects.filter(competition=competition)
        .exclude(device="")
        .values("device")
        .annotate(n=Count("pk"))
        .filter(n__gte=SHARED_DEVICE)
    )
    for row in devices:
        rows = list(
            Participant.objects.filter(competition=competition, device=row["device"])
            .order_by("pk")
            .values("pk", "name", "id_masked", "joined_at")
        )
        _flag_shared_device(competition, row["device"], rows)
        raised += 1
    groups: dict[tuple, list] = defaultdict(list)
    papers = (
        Paper.objects.filter(participant__competition=competition, submitted_at__isnull=False, late=False)
        .filter(~Q(answers={}))
        .select_related("participant")
        .order_by("pk")
    )
    for paper in papers.iterator(chunk_size=2000):
        groups[shown_sequence(paper)].append(paper)
    for group in groups.values():
        group.sort(key=lambda p: p.answer_ms)
        cluster = [group[0]] if group else []
        for paper in group[1:]:
            if paper.answer_ms - cluster[0].answer_ms <= SAME_ANSWERS_MS:
                cluster.append(paper)
                continue
            raised += _flag_same(competition, cluster)
            cluster = [paper]
        raised += _flag_same(competition, cluster)
    return raised


def _flag_same(competition: Competition, cluster: list[Paper]) -> int:
    people = {p.participant_id for p in cluster}
    if len(people) < 2:
        return 0
    first = cluster[0]
    raise_record_flag(
        source=FlagSource.QUIZ,
        project=competition.project,
        kind=FlagKind.QUIZ_SAME_ANSWERS,
        key=f"c{competition.pk}:s{first.pk}",
        summary=f"「{competition.name}」中 {len(people)} 人的试卷题目、答案完全相同，用时相差不超过 "
        f"{SAME_ANSWERS_MS // 1000} 秒。",
        evidence=[
            {
                "姓名": p.participant.name,
                "身份证号": p.participant.id_masked,
                "用时（秒）": round(p.answer_ms / 1000, 1),
                "得分": p.score,
                "交卷时间": timezone.localtime(p.submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
            }
            for p in cluster[:50]
        ],
        subject=f"知识竞答：{competition.name}",
        subject_url=reverse("quiz:detail", args=[competition.pk]),
    )
    return 1
