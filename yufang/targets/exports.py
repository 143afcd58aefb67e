"""The progress page as an Excel workbook: one sheet of targets, one per target's breakdown."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from yufang.core.export import sheet_row


def progress_xlsx(plan, rows, breakdown_of) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "目标进度"
    ws.append(sheet_row(ws, [f"{plan.title} 目标进度" + ("（本区县）" if rows and rows[0].district_only else "")]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["目标", "指标", "目标值", "已完成（人）", "完成值", "完成率（%）", "预计到期", "截止日期", "计数规则"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(
            sheet_row(
                ws,
                [
                    r.target.name,
                    r.target.get_metric_display(),
                    float(r.target.threshold),
                    r.value,
                    float(r.figure) if r.figure is not None else None,
                    float(r.percent_of_threshold) if r.percent_of_threshold is not None else None,
                    float(r.projection) if r.projection is not None else None,
                    r.target.deadline,
                    r.target.counting_rule,
                ],
            )
        )
        ws.cell(ws.max_row, 9).alignment = Alignment(wrap_text=True)
    for col, width in zip("ABCDEFGHI", (36, 18, 10, 12, 10, 12, 10, 12, 90), strict=True):
        ws.column_dimensions[col].width = width
    for index, r in enumerate(rows, start=1):
        b = breakdown_of(r.target)
        sheet = wb.create_sheet(f"{index}.{r.target.name}"[:31].replace("/", "-"))
        sheet.append(sheet_row(sheet, [r.target.name, f"合计 {b.total} 人"]))
        sheet.append([])
        for title, data in (("区县", b.by_region), ("行业", b.by_industry), ("岗位", b.by_position)):
            sheet.append([title, "人数"])
            for name, count in data:
                sheet.append(sheet_row(sheet, [name, count]))
            sheet.append([])
        sheet.append(["月份", "当月新增", "累计"])
        for month, new, cumulative in b.by_month:
            sheet.append(sheet_row(sheet, [month, new, cumulative]))
        sheet.column_dimensions["A"].width = 24
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
