"""The coverage figures as an Excel workbook: one sheet per table of the page."""

import io

from openpyxl import Workbook

from yufang.core.export import sheet_row

from .selectors import Coverage


def coverage_xlsx(c: Coverage) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("区县检查覆盖")
    ws.append(
        sheet_row(ws, ["区县", "培训场次", "已检查场次", "场次覆盖率（%）", "项目", "已检查项目", "项目覆盖率（%）"])
    )
    for d in c.districts:
        ws.append(
            sheet_row(
                ws,
                [
                    d.name,
                    d.sessions,
                    d.sessions_inspected,
                    float(d.session_share) if d.session_share is not None else None,
                    d.projects,
                    d.projects_inspected,
                    float(d.project_share) if d.project_share is not None else None,
                ],
            )
        )
    ws = wb.create_sheet("发现问题")
    ws.append(sheet_row(ws, ["分类", "项目", "数量"]))
    for label, n in c.by_kind:
        ws.append(sheet_row(ws, ["问题类型", label, n]))
    for label, n in c.by_severity:
        ws.append(sheet_row(ws, ["严重程度", label, n]))
    ws = wb.create_sheet("整改与回访")
    ws.append(sheet_row(ws, ["指标", "数值"]))
    rate = c.on_time_share
    attendance = c.attendance_rate
    for label, value in (
        ("发现问题", c.findings),
        ("未销号", c.open_now),
        ("按期整改", c.on_time),
        ("逾期整改", c.late),
        ("整改已逾期未完成", c.overdue),
        ("按期整改率（%）", float(rate) if rate is not None else None),
        ("回访确认参加", c.calls.get("attended", 0)),
        ("回访称未参加", c.calls.get("absent", 0)),
        ("回访未联系上", c.calls.get("unreached", 0)),
        ("回访参训率（%）", float(attendance) if attendance is not None else None),
    ):
        ws.append(sheet_row(ws, [label, value]))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
