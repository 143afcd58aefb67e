"""Targeted pushes (定向推送): the audience (industries, districts or a list of enterprises) and
planned reach, and the carrier's delivery report read from a spreadsheet row by row. The check
writes nothing and names each bad row, its field and why; the import then writes the valid rows
in one transaction, each checked again (sent >= delivered >= opened, as the database also
insists) and never a row twice."""

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yufang.accounts.models import Organisation, OrganisationKind, User
from yufang.core import audit
from yufang.core.jobs import JobFailed
from yufang.core.models import AuditAction
from yufang.core.permissions import require as _require
from yufang.core.services import model_create, model_update
from yufang.core.spreadsheets import clean_text, open_table
from yufang.reference.models import Industry, Region, Synonym

from . import reach_permissions as may
from .models import AudienceKind, Deliverable, PushAudience, PushDelivery

# --- Audience ------------------------------------------------------------------------------------


@transaction.atomic
def push_audience_save(
    *,
    deliverable: Deliverable,
    kind: str,
    planned_reach: int,
    industries=(),
    districts=(),
    enterprises=(),
    actor: User,
) -> PushAudience:
    deliverable = Deliverable.objects.select_for_update().select_related("project__plan", "kind").get(pk=deliverable.pk)
    _require(may.can_edit_push(actor, deliverable))
    industries, districts, enterprises = list(industries), list(districts), list(enterprises)
    errors: dict[str, list[str]] = {}
    if kind not in AudienceKind.values:
        errors["kind"] = ["请选择推送对象：按行业、按区县或企业名单。"]
    chosen = {"industries": industries, "districts": districts, "enterprises": enterprises}
    labels = {"industries": "行业", "districts": "区县", "enterprises": "企业"}
    if kind in chosen and not chosen[kind]:
        errors[kind] = [f"推送对象为「{AudienceKind(kind).label}」时，请至少选择一个{labels[kind]}。"]
    if any(r.city_id != deliverable.project.plan.city_id for r in districts):
        errors["districts"] = ["所选区县不属于本市。"]
    if any(o.kind != OrganisationKind.ENTERPRISE for o in enterprises):
        errors["enterprises"] = ["企业名单中只能是企业。"]
    if isinstance(planned_reach, bool) or not isinstance(planned_reach, int) or planned_reach <= 0:
        errors["planned_reach"] = ["计划触达人数须为正整数。"]
    if errors:
        raise ValidationError(errors)
    # Only the list the audience kind names is kept: the others are cleared.
    chosen = {name: (items if name == kind else []) for name, items in chosen.items()}
    audience = PushAudience.objects.select_for_update().filter(deliverable=deliverable).first()
    if audience is None:
        audience = model_create(
            model=PushAudience,
            data={"deliverable": deliverable, "kind": kind, "planned_reach": planned_reach},
            actor=actor,
        )
        before = {name: [] for name in chosen}
    else:
        before = {name: sorted(getattr(audience, name).values_list("pk", flat=True)) for name in chosen}
        audience, _ = model_update(
            instance=audience,
            fields=["kind", "planned_reach"],
            data={"kind": kind, "planned_reach": planned_reach},
            actor=actor,
        )
    changes = {}
    for name, items in chosen.items():
        after = sorted(i.pk for i in items)
        if after != before[name]:
            getattr(audience, name).set(items)
            changes[name] = [before[name], after]
    if changes:
        audit.record(actor=actor, action=AuditAction.UPDATE, instance=audience, changes=changes)
    return audience


# --- Delivery report: reading ---------------------------------------------------------------------


def _with_units(*names: str) -> tuple[str, ...]:
    """A header as carriers write it: bare, or followed by its unit in brackets."""
    return tuple(f"{n}{u}" for n in names for u in ("", "(条)", "(次)", "(人)", "(人次)", "[条]"))


COLUMNS = {
    "date": ("日期", "发送日期", "推送日期", "统计日期", "时间", "发送时间", "日期(天)"),
    "region": ("区县", "区/县", "区(县)", "所属区县", "地区", "区域", "属地"),
    "industry": ("行业", "所属行业", "行业类别", "行业分类"),
    "sent": _with_units("发送数", "发送量", "发送条数", "发送总数", "下发量", "下发数", "提交数", "发送人数"),
    "delivered": _with_units("送达数", "送达量", "送达条数", "成功数", "成功送达", "到达数", "接收数", "送达人数"),
    "opened": _with_units("打开数", "打开量", "打开人数", "阅读数", "已读数", "查看数", "点击数"),
}
REQUIRED = {"date", "sent", "delivered", "opened"}
TEMPLATE_HEADERS = ["日期", "区县", "行业", "发送数", "送达数", "打开数"]
CITYWIDE = {"", "全市", "全部", "合计", "不分区县", "-", "—", "/"}
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# The check keeps the valid rows in the job's result until the import: a report of one push is a
# few hundred rows (days x districts x industries); this bounds the result well inside its limit.
MAX_ROWS = 5000


@dataclass
class Lookups:
    regions: dict[str, int]
    industries: dict[str, int]


def lookups_for(deliverable: Deliverable) -> Lookups:
    regions = {}
    for r in Region.objects.filter(city_id=deliverable.project.plan.city_id):
        regions[r.name] = r.pk
        short = re.sub(r"(区|县)$", "", r.name)
        if len(short) >= 2:
            regions.setdefault(short, r.pk)
    industries = {}
    for i in Industry.objects.all():
        industries[i.name] = i.pk
        industries[i.code] = i.pk
    for s in Synonym.objects.filter(industry__isnull=False):
        industries.setdefault(clean_text(s.text).replace(" ", ""), s.industry_id)
    return Lookups(regions, industries)


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))  # an Excel serial read as a number
    text = clean_text(value).replace(" ", "")
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2})?)?", text)
    if match is None:
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match is None:
        return None
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        return None


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if value >= 0 and float(value).is_integer() else None
    text = clean_text(value).replace(",", "").replace(" ", "")
    text = re.sub(r"(条|次|人次|人)$", "", text)
    if not re.fullmatch(r"\d+(\.0+)?", text):
        return None
    return int(float(text))


def _cell(table, cells, name):
    index = table.columns.get(name)
    return cells[index] if index is not None and index < len(cells) else None


def check_row(cells, table, lookups: Lookups, period: tuple[datetime.date, datetime.date]) -> tuple[dict, list[dict]]:
    """The row as stored values, and its problems: each {"field": 列名, "why": 原因}."""
    problems: list[dict] = []
    raw_date = _cell(table, cells, "date")
    day = _date(raw_date)
    if day is None:
        problems.append({"field": "日期", "why": f"「{clean_text(raw_date) or '（空）'}」不是日期（如 2023-10-12）"})
    elif day > timezone.localdate():
        problems.append({"field": "日期", "why": f"{day:%Y-%m-%d} 晚于今天"})
    elif not period[0] <= day <= period[1]:
        problems.append(
            {"field": "日期", "why": f"{day:%Y-%m-%d} 不在服务期限内（{period[0]:%Y-%m-%d} 至 {period[1]:%Y-%m-%d}）"}
        )
    region_text = clean_text(_cell(table, cells, "region")).replace(" ", "")
    region_id = None
    if region_text not in CITYWIDE:
        region_id = lookups.regions.get(region_text)
        if region_id is None:
            problems.append({"field": "区县", "why": f"「{region_text}」不是本市的区县"})
    industry_text = clean_text(_cell(table, cells, "industry")).replace(" ", "")
    industry_id = None
    if industry_text not in CITYWIDE:
        industry_id = lookups.industries.get(industry_text)
        if industry_id is None:
            problems.append({"field": "行业", "why": f"「{industry_text}」不是平台的行业类别"})
    counts = {}
    for name, label in (("sent", "发送数"), ("delivered", "送达数"), ("opened", "打开数")):
        raw = _cell(table, cells, name)
        counts[name] = _count(raw)
        if counts[name] is None:
            problems.append({"field": label, "why": f"「{clean_text(raw) or '（空）'}」须为不小于 0 的整数"})
    if None not in counts.values():
        if counts["delivered"] > counts["sent"]:
            problems.append({"field": "送达数", "why": f"送达数 {counts['delivered']} 多于发送数 {counts['sent']}"})
        if counts["opened"] > counts["delivered"]:
            problems.append({"field": "打开数", "why": f"打开数 {counts['opened']} 多于送达数 {counts['delivered']}"})
    row = {
        "sent_on": day.isoformat() if day else None,
        "region_id": region_id,
        "region": region_text if region_id else "",
        "industry_id": industry_id,
        "industry": industry_text if industry_id else "",
        **counts,
    }
    return row, problems


def _key(row: dict) -> tuple:
    return (row["sent_on"], row["region_id"], row["industry_id"])


def delivery_report_check(file, filename: str, deliverable: Deliverable, progress=None) -> dict:
    """Reads the report and checks every row; writes nothing. A row repeating an earlier row's
    date, district and industry (in the file or already imported) is an error."""
    table = open_table(file, filename, COLUMNS, REQUIRED)
    lookups = lookups_for(deliverable)
    period = (deliverable.project.agreement.period_start, deliverable.project.deadline)
    existing = {
        (d.isoformat(), r, i)
        for d, r, i in PushDelivery.objects.filter(deliverable=deliverable).values_list(
            "sent_on", "region_id", "industry_id"
        )
    }
    rows = list(table.rows)
    if len(rows) > MAX_ROWS:
        raise JobFailed(f"送达报告有 {len(rows)} 行，超过一次导入 {MAX_ROWS} 行的上限：请按日期拆分后分别上传。")
    if progress is not None:
        progress.total(len(rows), "正在逐行校验")
    good, errors, seen = [], [], {}
    for done, (number, cells) in enumerate(rows, start=1):
        row, problems = check_row(cells, table, lookups, period)
        if not problems:
            if _key(row) in existing:
                problems.append({"field": "日期", "why": "同一日期、区县和行业的送达记录已导入过"})
            elif _key(row) in seen:
                problems.append({"field": "日期", "why": f"与第 {seen[_key(row)]} 行的日期、区县和行业相同"})
        if problems:
            errors.append({"row": number, "problems": problems})
        else:
            seen[_key(row)] = number
            good.append({"row": number, **row})
        if progress is not None:
            progress.step(done)
    return {
        "deliverable_id": deliverable.pk,
        "header_row": table.header_row,
        "sheet": table.sheet,
        "total": len(rows),
        "good": good,
        "errors": errors,
        "totals": {k: sum(r[k] for r in good) for k in ("sent", "delivered", "opened")},
    }


# --- Delivery report: writing ---------------------------------------------------------------------


@transaction.atomic
def push_delivery_import(*, deliverable: Deliverable, rows: list[dict], actor: User, job=None) -> list[PushDelivery]:
    """Writes the checked rows in one transaction: all of them or, if any is refused now, none.
    A check job's rows are imported once."""
    deliverable = (
        Deliverable.objects.select_for_update().select_related("project__agreement", "kind").get(pk=deliverable.pk)
    )
    _require(may.can_edit_push(actor, deliverable))
    if job is not None:
        locked = type(job).objects.select_for_update().get(pk=job.pk)
        if locked.result.get("applied"):
            raise ValidationError("该送达报告已导入过。")
        locked.result = {**locked.result, "applied": True}
        locked.save(update_fields=["result"])
    if not rows:
        raise ValidationError("没有可导入的有效行。")
    existing = set(
        PushDelivery.objects.filter(deliverable=deliverable).values_list("sent_on", "region_id", "industry_id")
    )
    created = []
    for row in rows:
        day = datetime.date.fromisoformat(row["sent_on"])
        key = (day, row["region_id"], row["industry_id"])
        sent, delivered, opened = row["sent"], row["delivered"], row["opened"]
        if key in existing:
            raise ValidationError(f"第 {row['row']} 行：同一日期、区县和行业的送达记录已导入过，本次未导入任何行。")
        if not sent >= delivered >= opened >= 0:
            raise ValidationError(f"第 {row['row']} 行：须满足 发送数 ≥ 送达数 ≥ 打开数，本次未导入任何行。")
        existing.add(key)
        created.append(
            PushDelivery(
                deliverable=deliverable,
                sent_on=day,
                region_id=row["region_id"],
                industry_id=row["industry_id"],
                sent=sent,
                delivered=delivered,
                opened=opened,
                source_row=row["row"],
                job=job,
                imported_by=actor,
            )
        )
    PushDelivery.objects.bulk_create(created)
    audit.record_created_many(actor=actor, instances=created, event="push_delivery_import")
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=deliverable,
        event="push_delivery_import",
        extra={"rows": len(created), "job": job.pk if job is not None else None},
    )
    return created


def organisation_choices(city_id: int):
    return Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, city_id=city_id, is_active=True)
