"""The year's study settings and the course catalogue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from yufang.core.audit import history
from yufang.core.forms import form_errors_from
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404, scoped
from yufang.plans.models import Plan
from yufang.plans.permissions import can_edit_plan

from .. import services
from ..forms import (
    CourseForm,
    CurriculumForm,
    ExamForm,
    LessonForm,
    StudyRuleForm,
)
from ..models import (
    Course,
    Question,
    StudyRule,
)
from ..permissions import (
    can_edit_course,
    can_edit_study_rule,
    can_manage_catalogue,
    can_set_curriculum,
)

# --- The year's study settings ------------------------------------------------------------


@login_required
def study_rule_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_scoped_or_404(request.user, Plan.objects.select_related("city"), pk=plan_id)
    _require(can_edit_study_rule(request.user))
    # A year nobody has set yet shows the defaults; the row is written on the first save.
    rule = StudyRule.objects.filter(plan=plan).first() or StudyRule(plan=plan)
    plan_editable, plan_reason = can_edit_plan(request.user, plan)
    form = StudyRuleForm(
        request.POST or None,
        initial={
            "online_elective_hours": plan.online_elective_hours,
            **{f: getattr(rule, f) for f in services.STUDY_RULE_FIELDS},
        },
        elective_editable=plan_editable,
        elective_reason=plan_reason,
    )
    if request.method == "POST" and form.is_valid():
        try:
            _, job = services.study_rule_update(actor=request.user, plan=plan, data=form.cleaned_data)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            if job is not None:
                messages.success(request, "学习设置已保存。选修学时下限已降低，正在后台核定已报名学员是否达标。")
                url = reverse("core:job", args=[job.pk])
            else:
                messages.success(request, "学习设置已保存。")
                url = reverse("learning:study_rule", args=[plan.pk])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    context = {
        "plan": plan,
        "rule": rule,
        "form": form,
        "plan_editable": plan_editable,
        "plan_reason": plan_reason,
        "history": history(rule) if rule.pk else [],
    }
    if request.htmx:
        return render(request, "learning/study_rule_form.html#settings-form", context)
    return render(request, "learning/study_rule_form.html", context)


# --- The catalogue ------------------------------------------------------------------------


@login_required
def courses(request: HttpRequest) -> HttpResponse:
    _require(can_manage_catalogue(request.user))
    qs = Course.objects.prefetch_related("lessons", "industries", "positions").select_related("provider")
    return render(
        request,
        "learning/course_list.html",
        {
            "courses": qs,
            "question_count": Question.objects.filter(is_active=True).count(),
            "settings_plans": scoped(request.user, Plan).order_by("-year")[:5]
            if can_edit_study_rule(request.user)[0]
            else [],
        },
    )


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    _require(can_manage_catalogue(request.user))
    form = CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        industries, positions = data.pop("industries"), data.pop("positions")
        try:
            course = services.course_save(actor=request.user, data=data, industries=industries, positions=positions)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            return redirect("learning:course", pk=course.pk)
    return render(request, "learning/course_form.html", {"form": form})


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_scoped_or_404(request.user, Course.objects.select_related("provider"), pk=pk)
    _require(can_manage_catalogue(request.user))
    editable = can_edit_course(request.user, course)[0]
    lesson_form = LessonForm(prefix="lesson")
    curriculum_form = CurriculumForm(prefix="cur")
    exam_obj = getattr(course, "exam", None)
    exam_form = ExamForm(
        prefix="exam",
        initial={
            "draw": "\n".join(f"{k}={v}" for k, v in exam_obj.draw.items()),
            "time_limit_minutes": exam_obj.time_limit_minutes,
            "max_attempts": exam_obj.max_attempts,
            "pass_mark": exam_obj.pass_mark,
        }
        if exam_obj
        else None,
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "lesson":
                _require(can_edit_course(request.user, course))
                lesson_form = LessonForm(request.POST, request.FILES, prefix="lesson")
                if lesson_form.is_valid():
                    services.lesson_add(actor=request.user, course=course, data=lesson_form.cleaned_data)
                    messages.success(request, "课时已添加。")
                    return redirect("learning:course", pk=course.pk)
            elif action == "curriculum":
                _require(can_set_curriculum(request.user))
                curriculum_form = CurriculumForm(request.POST, prefix="cur")
                if curriculum_form.is_valid():
                    services.curriculum_set(actor=request.user, course=course, **curriculum_form.cleaned_data)
                    messages.success(request, "课程设置已保存。")
                    return redirect("learning:course", pk=course.pk)
            elif action == "exam":
                _require(can_edit_course(request.user, course))
                exam_form = ExamForm(request.POST, prefix="exam")
                if exam_form.is_valid():
                    services.exam_save(actor=request.user, course=course, data=exam_form.cleaned_data)
                    messages.success(request, "考试设置已保存。")
                    return redirect("learning:course", pk=course.pk)
        except ValidationError as e:
            form = {"lesson": lesson_form, "curriculum": curriculum_form, "exam": exam_form}[action]
            form_errors_from(form, e)
    return render(
        request,
        "learning/course_detail.html",
        {
            "course": course,
            "lessons": course.lessons.all(),
            "curriculum": course.curriculum.select_related("plan", "industry", "position"),
            "exam": exam_obj,
            "editable": editable,
            "can_curriculum": can_set_curriculum(request.user)[0],
            "lesson_form": lesson_form,
            "curriculum_form": curriculum_form,
            "exam_form": exam_form,
        },
    )
