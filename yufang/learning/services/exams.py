"""Exams: attempts, answers and grading."""

import datetime
import random
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.bulk import rows_update
from yufang.core.models import AuditAction
from yufang.core.permissions import require as _require

from ..certification import enrolment_evaluate, enrolments_certify
from ..models import Course, Enrolment, Exam, ExamAttempt, Question, QuestionKind
from ..permissions import can_manage_catalogue, can_record_for
from ..selectors import Progress, enrolment_of, progress_of, progress_of_many

GRACE_SECONDS = 60


def _paper_draw(exam: Exam, *, pools: dict[str, list[int]]) -> list[int]:
    """A paper drawn at random by category; `pools` keeps each category's active questions read
    once for a whole session."""
    question_ids: list[int] = []
    for category, n in exam.draw.items():
        if category not in pools:
            pools[category] = list(
                Question.objects.filter(category=category, is_active=True).values_list("pk", flat=True)
            )
        if len(pools[category]) < n:
            raise ValidationError(f"题库中「{category}」类题目不足，请联系课程提供机构。")
        question_ids += random.sample(pools[category], n)  # noqa: S311 - drawing questions, not secrets
    return question_ids


@transaction.atomic
def exam_start(*, user, course: Course, now=None) -> ExamAttempt:
    """Draws a paper at random by category. An attempt still open is returned as it is."""
    enrolment = enrolment_of(user)
    if enrolment is None:
        raise PermissionDenied("您尚未报名本年度线上培训。")
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    exam = Exam.objects.filter(course=course).first()
    if exam is None:
        raise ValidationError("该课程没有考试。")
    progress = progress_of(enrolment)
    state = next((c for c in progress.courses if c.course.pk == course.pk), None)
    if state is None:
        raise PermissionDenied("该课程不在您的课程表中。")
    if state.exam_passed:
        raise ValidationError("您已通过该课程考试。")
    if not state.lessons_done:
        raise ValidationError("请先学完该课程的全部课时，再参加考试。")
    moment = now or timezone.now()
    attempts = ExamAttempt.objects.filter(enrolment=enrolment, exam=exam)
    open_attempt = attempts.filter(submitted_at__isnull=True, deadline__gt=moment).first()
    if open_attempt is not None:
        return open_attempt
    used = attempts.count()
    if used >= exam.max_attempts:
        raise ValidationError(f"该考试最多可考 {exam.max_attempts} 次，您的考试机会已用完。")
    attempt = ExamAttempt.objects.create(
        enrolment=enrolment,
        exam=exam,
        number=used + 1,
        started_at=moment,
        deadline=moment + datetime.timedelta(minutes=exam.time_limit_minutes),
        question_ids=_paper_draw(exam, pools={}),
    )
    audit.record_create(actor=user, instance=attempt)
    return attempt


def _normalise_answer(kind: str, value) -> str:
    if isinstance(value, list | tuple):
        value = "".join(str(v) for v in value)
    letters = "".join(sorted({c for c in str(value or "").upper() if c.isalpha()}))
    return letters[:1] if kind != QuestionKind.MULTIPLE else letters


def _grade(attempt: ExamAttempt, questions: dict[int, Question], answers: dict[str, Any], moment) -> None:
    """Scores a paper on the server against the bank's answers (the attempt is not saved)."""
    given = {str(k): v for k, v in (answers or {}).items()}
    kept, correct = {}, 0
    for qid in attempt.question_ids:
        q = questions.get(qid)
        if q is None:
            continue
        answer = _normalise_answer(q.kind, given.get(str(qid), ""))
        kept[str(qid)] = answer
        correct += int(bool(answer) and answer == q.answer)
    total = len(attempt.question_ids) or 1
    attempt.answers = kept
    attempt.submitted_at = moment
    attempt.score = round(correct * 100 / total)
    attempt.passed = attempt.score >= attempt.exam.pass_mark


@transaction.atomic
def exam_submit(*, user, attempt: ExamAttempt, answers: dict[str, Any], now=None) -> ExamAttempt:
    """Scores the paper on the server. Answers after the time limit (and a minute's grace for
    the network) are not accepted: the paper is scored as it stood unanswered."""
    attempt = ExamAttempt.objects.select_for_update().select_related("exam", "enrolment").get(pk=attempt.pk)
    if attempt.enrolment.person.user_id != user.pk:
        raise PermissionDenied("这不是您的试卷。")
    if attempt.submitted_at is not None:
        raise ValidationError("该试卷已交卷，不能重复提交。")
    moment = now or timezone.now()
    late = moment > attempt.deadline + datetime.timedelta(seconds=GRACE_SECONDS)
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    _grade(attempt, questions, {} if late else answers, moment)
    attempt.save(update_fields=["answers", "submitted_at", "score", "passed"])
    audit.record(
        actor=user,
        action=AuditAction.UPDATE,
        instance=attempt,
        event="exam_submit",
        changes={"score": [None, attempt.score], "passed": [None, attempt.passed]},
        extra={"late": late},
    )
    if attempt.passed:
        enrolment_evaluate(enrolment_id=attempt.enrolment_id, today=timezone.localdate(moment))
    return attempt


def _candidates_locked(*, actor: User, ids: list[int]) -> list[Enrolment]:
    """The candidates' enrolments, locked; one the actor may not record for is refused."""
    enrolments = list(
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("person", "plan")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    for enrolment in enrolments:
        _require(can_record_for(actor, enrolment))
    return enrolments


def _candidate_problem(enrolment: Enrolment, *, course: Course, progress: Progress) -> str | None:
    """Why the candidate may not sit the course's exam: not in their curriculum, passed already,
    lessons not done."""
    state = next((c for c in progress.courses if c.course.pk == course.pk), None)
    name = enrolment.person.name
    if state is None:
        return f"{name}：该课程不在其课程表中。"
    if state.exam_passed:
        return f"{name}：已通过该课程考试。"
    if not state.lessons_done:
        return f"{name}：尚未学完该课程的全部课时。"
    return None


@transaction.atomic
def exam_start_many(*, actor: User, course: Course, starts: dict[Enrolment, datetime.datetime]) -> list[ExamAttempt]:
    """The bulk form of exam_start for a proctored exam session (考场集中考试) the agency or the
    learners' provider runs: a paper drawn at random for each candidate, by the same conditions
    (the course in their curriculum, its lessons done, not yet passed, attempts left). An open
    attempt is returned as it is. All or nothing: any candidate refused refuses the session."""
    exam = Exam.objects.filter(course=course).first()
    if exam is None:
        raise ValidationError("该课程没有考试。")
    ids = sorted(e.pk for e in starts)
    moments = {e.pk: moment for e, moment in starts.items()}
    enrolments = _candidates_locked(actor=actor, ids=ids)
    attempts: dict[int, list[ExamAttempt]] = {e.pk: [] for e in enrolments}
    for a in ExamAttempt.objects.filter(exam=exam, enrolment_id__in=ids):
        attempts[a.enrolment_id].append(a)
    progress = progress_of_many(enrolments)
    problems, result, new = [], [], []
    pools: dict[str, list[int]] = {}
    for enrolment in enrolments:
        moment = moments[enrolment.pk]
        problem = _candidate_problem(enrolment, course=course, progress=progress[enrolment.pk])
        if problem is not None:
            problems.append(problem)
            continue
        open_attempt = next((a for a in attempts[enrolment.pk] if a.submitted_at is None and a.deadline > moment), None)
        if open_attempt is not None:
            result.append(open_attempt)
            continue
        used = len(attempts[enrolment.pk])
        if used >= exam.max_attempts:
            problems.append(f"{enrolment.person.name}：最多可考 {exam.max_attempts} 次，考试机会已用完。")
            continue
        new.append(
            ExamAttempt(
                enrolment=enrolment,
                exam=exam,
                number=used + 1,
                started_at=moment,
                deadline=moment + datetime.timedelta(minutes=exam.time_limit_minutes),
                question_ids=_paper_draw(exam, pools=pools),
            )
        )
    if problems:
        raise ValidationError(problems[:20])
    new = ExamAttempt.objects.bulk_create(new, batch_size=1000)
    if any(a.pk is None for a in new):
        raise RuntimeError("the database returned no ids for the bulk insert of exam attempts")
    audit.record_created_many(actor=actor, instances=new, event="exam_session")
    return result + new


@transaction.atomic
def exam_submit_many(
    *, actor: User, sheets: list[tuple[ExamAttempt, dict[str, Any], datetime.datetime]]
) -> list[ExamAttempt]:
    """The bulk form of exam_submit: a proctored session's answer sheets (attempt, answers,
    handed in at), scored on the server as one learner's submission is: after the time limit
    and its grace the paper counts as unanswered. Passed candidates who now meet the year's rule
    get their certificate (enrolments_certify). All or nothing."""
    by_pk = {a.pk: (answers, moment) for a, answers, moment in sheets}
    locked = list(
        ExamAttempt.objects.select_for_update(of=("self",))
        .select_related("exam__course", "enrolment__person")
        .filter(pk__in=sorted(by_pk))
        .order_by("pk")
    )
    problems = []
    for attempt in locked:
        _require(can_record_for(actor, attempt.enrolment))
        if attempt.submitted_at is not None:
            problems.append(f"{attempt.enrolment.person.name}：该试卷已交卷，不能重复提交。")
    if len(locked) != len(by_pk):
        problems.append("有试卷不存在。")
    if problems:
        raise ValidationError(problems[:20])
    question_ids = {qid for a in locked for qid in a.question_ids}
    questions = Question.objects.in_bulk(question_ids)
    changes, passed_on = [], {}
    for attempt in locked:
        answers, moment = by_pk[attempt.pk]
        late = moment > attempt.deadline + datetime.timedelta(seconds=GRACE_SECONDS)
        _grade(attempt, questions, {} if late else answers, moment)
        changes.append(
            (attempt, {"score": [None, attempt.score], "passed": [None, attempt.passed]}, {"late": late, "sheet": True})
        )
        if attempt.passed:
            passed_on[attempt.enrolment_id] = max(
                passed_on.get(attempt.enrolment_id, timezone.localdate(moment)), timezone.localdate(moment)
            )
    rows_update(locked, ["answers", "submitted_at", "score", "passed"])
    audit.record_updated_many(actor=actor, changes=changes, event="exam_submit")
    if passed_on:
        enrolments_certify(days=passed_on)
    return locked


@transaction.atomic
def questions_apply(*, actor: User, job) -> int:
    """Adds the good rows of a checked question file (one transaction)."""
    _require(can_manage_catalogue(actor))
    locked = type(job).objects.select_for_update().get(pk=job.pk)
    if locked.result.get("applied"):
        raise ValidationError("该文件已导入过。")
    locked.result = {**locked.result, "applied": True}
    locked.save(update_fields=["result"])
    created = Question.objects.bulk_create(
        [
            Question(
                category=r["category"],
                kind=r["kind"],
                stem=r["stem"],
                options=r["options"],
                answer=r["answer"],
                explanation=r.get("explanation", ""),
                difficulty=r.get("difficulty", 2),
            )
            for r in locked.result["good"]
        ],
        ignore_conflicts=True,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=locked,
        event="questions_import",
        extra={"rows": len(created)},
    )
    return len(created)
