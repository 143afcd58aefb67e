"""A person's archive, and the list an enterprise or district keeps of its people. ID numbers and
phones are masked except for the roles that audit the programme."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from yufang.core.export_jobs import export_source
from yufang.core.listing import Column, FilterForm, list_response
from yufang.core.masking import mask_id_number, mask_phone
from yufang.core.scoping import get_scoped_or_404

from .models import Person
from .selectors import person_archive, person_list


def sees_full_ids(user) -> bool:
    return user.has_role("programme_owner", "agency_staff")


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


PEOPLE_EXPORT = export_source(
    "people", "人员档案", COLUMNS, lambda user, query: person_list(user=user, **PersonFilterForm(query).values())
)


@login_required
def person_index(request: HttpRequest) -> HttpResponse:
    return list_response(
        request,
        queryset=PEOPLE_EXPORT.queryset(request.user, request.GET),
        filter_form=PersonFilterForm(request.GET),
        template="people/person_list.html",
        export_source=PEOPLE_EXPORT,
    )


def _render_archive(request, person) -> HttpResponse:
    archive = person_archive(user=request.user, person=person)
    full = sees_full_ids(request.user)
    return render(
        request,
        "people/person_detail.html",
        {
            "archive": archive,
            "person": person,
            "id_shown": person.id_number if full else person.id_masked,
            "phone_shown": person.phone if full else person.phone_masked,
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
