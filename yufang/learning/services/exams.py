"""Exams: attempts, answers and grading."""

import datetime
import random
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.core.permissions import require as _require

from ..certification import enrolment_evaluate
from ..models import Course, Enrolment, Exam, ExamAttempt, Question, QuestionKind
from ..permissions import can_manage_catalogue
from ..selectors import enrolment_of, progress_of

GRACE_SECONDS = 60


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
    question_ids: list[int] = []
    for category, n in exam.draw.items():
        pool = list(Question.objects.filter(category=category, is_active=True).values_list("pk", flat=True))
        if len(pool) < n:
            raise ValidationError(f"题库中「{category}」类题目不足，请联系课程提供机构。")
        question_ids += random.sample(pool, n)  # noqa: S311 - drawing questions, not secrets
    attempt = ExamAttempt.objects.create(
        enrolment=enrolment,
        exam=exam,
        number=used + 1,
        started_at=moment,
        deadline=moment + datetime.timedelta(minutes=exam.time_limit_minutes),
        question_ids=question_ids,
    )
    audit.record_create(actor=user, instance=attempt)
    return attempt


def _normalise_answer(kind: str, value) -> str:
    if isinstance(value, list | tuple):
        value = "".join(str(v) for v in value)
    letters = "".join(sorted({c for c in str(value or "").upper() if c.isalpha()}))
    return letters[:1] if kind != QuestionKind.MULTIPLE else letters


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
    given = {} if late else {str(k): v for k, v in (answers or {}).items()}
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
