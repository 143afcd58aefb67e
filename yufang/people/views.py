"""A person's archive, and the list an enterprise or district keeps of its people. ID numbers and
phones are masked except for the roles that audit the programme."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.listing import Column, FilterForm, list_response
from yufang.core.masking import mask_id_number, mask_phone
from yufang.core.scoping import get_scoped_or_404
from yufang.core.widgets import StyledFormMixin

from . import services
from .models import Person
from .permissions import can_edit_archive
from .selectors import person_archive, person_list


def sees_full_ids(user) -> bool:
    return user.has_role("programme_owner", "agency_staff")


class RenameForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="更正后的姓名", max_length=50)
    reason = forms.CharField(
        label="更名依据", max_length=300, help_text="如户籍更名证明、录入错误的核实情况；记入变更历史。"
    )


class PersonFilterForm(FilterForm):
    q = forms.CharField(label="姓名", required=False)


COLUMNS = [
    Column("姓名", lambda p: p.name, 10),
    Column("身份证号", lambda p: mask_id_number(p.id_number), 22),
    Column("性别", lambda p: p.get_sex_display(), 6),
    Column("手机号", lambda p: mask_phone(p.phone), 14),
    Column("工作单位", lambda p: p.enterprise.name if p.enterprise else "", 28),
    Column("岗位", lambda p: p.position.name if p.position else "", 16),
    Column("行业", lambda p: p.industry.name if p.industry else "", 12),
    Column("区县", lambda p: p.region.name if p.region else "", 10),
]


@login_required
def person_index(request: HttpRequest) -> HttpResponse:
    form = PersonFilterForm(request.GET)
    return list_response(
        request,
        queryset=person_list(user=request.user, **form.values()),
        filter_form=form,
        template="people/person_list.html",
        export_columns=COLUMNS,
        export_name="人员档案",
    )


def _render_archive(request, person, rename_form=None) -> HttpResponse:
    archive = person_archive(user=request.user, person=person)
    full = sees_full_ids(request.user)
    may_rename = can_edit_archive(request.user)[0] and request.user.pk != person.user_id
    return render(
        request,
        "people/person_detail.html",
        {
            "archive": archive,
            "person": person,
            "id_shown": person.id_number if full else person.id_masked,
            "phone_shown": person.phone if full else person.phone_masked,
            "rename_form": (rename_form or RenameForm()) if may_rename else None,
            "history": history(person) if may_rename else None,
        },
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_scoped_or_404(request.user, Person.objects.select_related("enterprise", "position", "industry"), pk=pk)
    return _render_archive(request, person)


@login_required
def my_archive(request: HttpRequest) -> HttpResponse:
    person = Person.objects.filter(user=request.user).select_related("enterprise", "position", "industry").first()
    if person is None:
        raise Http404("您的账号尚未关联人员档案。")
    return _render_archive(request, person)


@login_required
@require_POST
def person_rename(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_scoped_or_404(request.user, Person, pk=pk)
    allowed, reason = can_edit_archive(request.user)
    if not allowed:
        raise PermissionDenied(reason)
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            services.person_rename(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as e:
            for field, errors in e.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "姓名已更正，并记入变更历史。")
            return redirect("people:detail", pk=person.pk)
    return _render_archive(request, person, rename_form=form)
