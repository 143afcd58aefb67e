"""Background work of the targets app: recounting a target, and checking a baseline survey
spreadsheet row by row before the owner confirms it."""

from django.db.models import Q
from django.urls import reverse

from yufang.accounts.models import Organisation, OrganisationKind
from yufang.core.jobs import JobFailed, register
from yufang.core.spreadsheets import clean_text, find_table, read_rows
from yufang.reference.models import Position

from .models import Target, TrainingProgramme
from .services import target_recount

BASELINE_COLUMNS = {
    "enterprise": ("企业名称", "单位名称", "企业"),
    "credit_code": ("统一社会信用代码", "信用代码"),
    "position": ("岗位", "岗位名称"),
    "headcount": ("应受训人数", "人数", "应培训人数"),
}


@register("targets.recount")
def recount(job, progress):
    target = Target.objects.select_related("plan", "programme").get(pk=job.params["target_id"])
    achieved = target_recount(target=target, progress=progress)
    # The finished job says what it found, not the "正在重新统计" it showed while counting.
    progress.step(job.done, f"重新统计完成：{target.name} 达成 {achieved}", force=True)
    job.result_url = reverse("targets:progress", args=[target.plan_id]) + f"?target={target.pk}"
    job.save(update_fields=["result_url"])
    return {"achieved": achieved}


@register("targets.figures_recount")
def figures_recount_job(job, progress):
    """Every target figure and report platform figure recounted from the raw records; writes nothing."""
    from .figures import figures_recount

    differences = figures_recount(progress)
    job.result_url = reverse("targets:figures_report", args=[job.pk])
    job.save(update_fields=["result_url"])
    if differences:
        progress.step(job.total, f"发现 {len(differences)} 处差异", force=True)
    return {"differences": [[d.where, d.what] for d in differences[:2000]], "count": len(differences)}


@register("targets.historic_check")
def historic_check_job(job, progress):
    """Checks an import of historic records row by row; writes nothing. The report is what the
    importer reads before confirming (ID numbers masked)."""
    from .historic import historic_check

    with job.file.open("rb") as f:
        checked = historic_check(
            f, job.file.name, city_id=job.params["city_id"], year=job.params["batch"]["year"], progress=progress
        )
    job.result_url = reverse("targets:historic_review", args=[job.pk])
    job.save(update_fields=["result_url"])
    progress.step(checked.total, f"有效 {len(checked.good)} 行，错误 {len(checked.errors)} 行", force=True)
    return checked.report()


@register("targets.baseline_check")
def baseline_check(job, progress):
    """Checks every row; writes nothing. The owner sees the report and confirms."""
    programme = TrainingProgramme.objects.get(pk=job.params["programme_id"])
    with job.file.open("rb") as f:
        table = find_table(read_rows(f, job.file.name), BASELINE_COLUMNS, {"position", "headcount"})
    if "enterprise" not in table.columns and "credit_code" not in table.columns:
        raise JobFailed("表头须包含“企业名称”或“统一社会信用代码”列。")
    enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, city=programme.city)
    by_name = {clean_text(n).replace(" ", ""): pk for pk, n in enterprises.values_list("pk", "name")}
    by_code = {c: pk for pk, c in enterprises.exclude(credit_code="").values_list("pk", "credit_code")}
    positions = {
        clean_text(n).replace(" ", ""): pk
        for pk, n in Position.objects.filter(Q(is_active=True)).values_list("pk", "name")
    }
    allowed_positions = set(programme.positions.values_list("pk", flat=True))
    rows = list(table.rows)
    progress.total(len(rows), "正在逐行校验")
    good, errors, seen = [], [], {}
    for done, (number, cells) in enumerate(rows, start=1):

        def cell(field, cells=cells):
            index = table.columns.get(field)
            return cells[index] if index is not None and index < len(cells) else None

        problems = []
        name = clean_text(cell("enterprise")).replace(" ", "")
        code = clean_text(cell("credit_code")).upper()
        enterprise_id = by_code.get(code) if code else by_name.get(name)
        if enterprise_id is None:
            problems.append(f"企业「{code or name or '（空）'}」不在本市企业名录中")
        position_name = clean_text(cell("position")).replace(" ", "")
        position_id = positions.get(position_name)
        if position_id is None:
            problems.append(f"岗位「{position_name or '（空）'}」不是平台的岗位名称")
        elif allowed_positions and position_id not in allowed_positions:
            problems.append(f"岗位「{position_name}」不在本工程的培训岗位中")
        raw = cell("headcount")
        try:
            headcount = int(float(clean_text(raw)))
            if headcount < 0 or float(clean_text(raw)) != headcount:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(f"应受训人数「{clean_text(raw)}」须为非负整数")
            headcount = None
        key = (enterprise_id, position_id)
        if not problems and key in seen:
            problems.append(f"与第 {seen[key]} 行重复（同一企业同一岗位）")
        if problems:
            errors.append({"row": number, "enterprise": code or name, "position": position_name, "errors": problems})
        else:
            seen[key] = number
            good.append([enterprise_id, position_id, headcount])
        progress.step(done)
    job.result_url = reverse("targets:baseline_review", args=[job.pk])
    job.save(update_fields=["result_url"])
    progress.step(len(rows), f"有效 {len(good)} 行，错误 {len(errors)} 行", force=True)
    return {"programme_id": programme.pk, "header_row": table.header_row, "good": good, "errors": errors}
