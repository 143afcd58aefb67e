"""Excel exports: rosters, attendance, and a provider's training archive per project."""

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from yufang.core.export import sheet_row
from yufang.core.listing import Column
from yufang.core.masking import mask_id_number, mask_phone

from .models import Attendance, Flag, RosterEntry, TrainingSession


def _t(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M:%S") if dt else ""


def roster_columns(full: bool) -> list[Column]:
    id_of = (lambda e: e.person.id_number) if full else (lambda e: mask_id_number(e.person.id_number))
    phone_of = (lambda e: e.person.phone) if full else (lambda e: mask_phone(e.person.phone))
    return [
        Column("行号", lambda e: e.row_number or "", 8),
        Column("姓名", lambda e: e.person.name, 10),
        Column("身份证号", id_of, 22),
        Column("手机号", phone_of, 14),
        Column("工作单位", lambda e: e.person.enterprise.name if e.person.enterprise else "", 28),
        Column("岗位", lambda e: e.person.position.name if e.person.position else "", 16),
    ]


def attendance_columns(full: bool) -> list[Column]:
    id_of = (lambda a: a.person.id_number) if full else (lambda a: mask_id_number(a.person.id_number))
    return [
        Column("姓名", lambda a: a.person.name, 10),
        Column("身份证号", id_of, 22),
        Column("工作单位", lambda a: a.person.enterprise.name if a.person.enterprise else "", 28),
        Column("签到时间", lambda a: _t(a.signed_in_at), 20),
        Column("签到方式", lambda a: a.get_in_method_display(), 10),
        Column("签退时间", lambda a: _t(a.signed_out_at), 20),
        Column("签退方式", lambda a: a.get_out_method_display() if a.out_method else "", 10),
        Column("在场分钟数", lambda a: a.minutes, 10),
        Column("认定完成", lambda a: "是" if a.completed else "否", 8),
        Column("补录原因", lambda a: a.manual_reason, 30),
    ]


def _sheet(wb, title, columns, rows):
    ws = wb.create_sheet(title[:31])
    ws.append(sheet_row(ws, [c.header for c in columns]))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(
            sheet_row(ws, [str(v) if not isinstance(v, int | float) else v for v in (c.value(row) for c in columns)])
        )
    return ws


def project_archive(project, *, full: bool) -> bytes:
    """培训档案: every session of the project with its roster, attendance and flags, one workbook."""
    wb = Workbook()
    wb.remove(wb.active)
    sessions = list(
        TrainingSession.objects.filter(project=project).select_related("region", "industry").order_by("starts_at")
    )
    _sheet(
        wb,
        "场次",
        [
            Column("场次编号", lambda s: s.pk),
            Column("培训形式", lambda s: s.get_kind_display()),
            Column("主题", lambda s: s.topic),
            Column("行业", lambda s: s.industry.name),
            Column("区县", lambda s: s.region.name),
            Column("地点", lambda s: s.venue),
            Column("开始", lambda s: _t(s.starts_at)),
            Column("结束", lambda s: _t(s.ends_at)),
            Column("学时", lambda s: str(s.class_hours)),
            Column("授课教师", lambda s: s.instructors),
            Column("计划人数", lambda s: s.capacity),
            Column("花名册人数", lambda s: s.roster.count()),
            Column("签到人数", lambda s: s.attendances.count()),
            Column("认定完成人数", lambda s: s.completed_count),
            Column("状态", lambda s: s.get_status_display()),
        ],
        sessions,
    )
    for s in sessions:
        entries = Attendance.objects.filter(session=s).select_related("person", "person__enterprise")
        _sheet(wb, f"{s.pk} 签到", attendance_columns(full), entries)
    _sheet(
        wb,
        "异常线索",
        [
            Column("场次编号", lambda f: f.session_id),
            Column("类型", lambda f: f.get_kind_display()),
            Column("说明", lambda f: f.summary),
            Column("状态", lambda f: f.get_status_display()),
            Column("核查意见", lambda f: f.review_note),
        ],
        Flag.objects.filter(project=project).order_by("session_id", "kind"),
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def roster_rows(session):
    return RosterEntry.objects.filter(session=session).select_related(
        "person", "person__enterprise", "person__position"
    )
