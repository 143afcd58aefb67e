"""Spreadsheet imports of the online platform, checked row by row before anything is written:
the enrolment roster and the question bank. The user reads the per-row report and confirms."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from yufang.accounts.models import Organisation, OrganisationKind
from yufang.core.jobs import JobFailed, register
from yufang.core.masking import mask_id_number
from yufang.core.spreadsheets import clean_text, find_table, read_rows
from yufang.people import idnumbers
from yufang.reference.models import Industry, Position

from .models import Question, QuestionKind
from .services import ROSTER_COLUMNS

QUESTION_COLUMNS = {
    "category": ("题目分类", "分类", "题库分类"),
    "kind": ("题型",),
    "stem": ("题干", "题目"),
    "A": ("选项A", "A"),
    "B": ("选项B", "B"),
    "C": ("选项C", "C"),
    "D": ("选项D", "D"),
    "E": ("选项E", "E"),
    "F": ("选项F", "F"),
    "answer": ("答案", "正确答案"),
    "explanation": ("解析", "答案解析"),
}
KIND_NAMES = {
    "单选": QuestionKind.SINGLE,
    "单选题": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "多选题": QuestionKind.MULTIPLE,
    "判断": QuestionKind.TRUE_FALSE,
    "判断题": QuestionKind.TRUE_FALSE,
}
TRUE_FALSE = {"对": "A", "正确": "A", "√": "A", "是": "A", "错": "B", "错误": "B", "×": "B", "否": "B"}


def _cell(table, cells, field):
    index = table.columns.get(field)
    return cells[index] if index is not None and index < len(cells) else None


@register("learning.questions_check")
def questions_check(job, progress):
    with job.file.open("rb") as f:
        table = find_table(read_rows(f, job.file.name), QUESTION_COLUMNS, {"category", "kind", "stem", "answer"})
    rows = list(table.rows)
    progress.total(len(rows), "正在逐行校验")
    existing = set(Question.objects.values_list("category", "stem"))
    good, errors, seen = [], [], {}
    for done, (number, cells) in enumerate(rows, start=1):
        problems = []
        category = clean_text(_cell(table, cells, "category"))
        stem = clean_text(_cell(table, cells, "stem"))
        kind_text = clean_text(_cell(table, cells, "kind")).replace(" ", "")
        kind = KIND_NAMES.get(kind_text)
        raw_answer = clean_text(_cell(table, cells, "answer")).replace(" ", "").upper()
        options = [clean_text(_cell(table, cells, letter)) for letter in "ABCDEF"]
        while options and not options[-1]:
            options.pop()
        if not category:
            problems.append("题目分类为空")
        if not stem:
            problems.append("题干为空")
        if kind is None:
            problems.append(f"题型「{kind_text or '（空）'}」应为单选题、多选题或判断题")
        answer = ""
        if kind == QuestionKind.TRUE_FALSE:
            options = ["正确", "错误"]
            answer = TRUE_FALSE.get(raw_answer, raw_answer if raw_answer in ("A", "B") else "")
            if not answer:
                problems.append(f"判断题答案「{raw_answer or '（空）'}」应为“对”或“错”")
        elif kind is not None:
            if "" in options or len(options) < 2:
                problems.append("选项至少两个，且中间不能有空选项")
            letters = "".join(sorted({c for c in raw_answer if c.isalpha()}))
            valid = "ABCDEF"[: len(options)]
            if not letters or any(c not in valid for c in letters):
                problems.append(f"答案「{raw_answer or '（空）'}」须为选项字母 {valid[:1]}–{valid[-1:]}")
            elif kind == QuestionKind.SINGLE and len(letters) != 1:
                problems.append("单选题只能有一个正确答案")
            elif kind == QuestionKind.MULTIPLE and len(letters) < 2:
                problems.append("多选题至少有两个正确答案")
            answer = letters
        key = (category, stem)
        if not problems and key in existing:
            problems.append("题库中已有相同分类、相同题干的题目")
        if not problems and key in seen:
            problems.append(f"与第 {seen[key]} 行重复")
        if problems:
            errors.append({"row": number, "text": stem[:40], "errors": problems})
        else:
            seen[key] = number
            good.append(
                {
                    "row": number,
                    "category": category,
                    "kind": kind,
                    "stem": stem,
                    "options": options,
                    "answer": answer,
                    "explanation": clean_text(_cell(table, cells, "explanation")),
                }
            )
        progress.step(done)
    job.result_url = reverse("learning:import_review", args=[job.pk])
    job.save(update_fields=["result_url"])
    progress.step(len(rows), f"有效 {len(good)} 行，错误 {len(errors)} 行", force=True)
    return {"kind": "questions", "header_row": table.header_row, "good": good, "errors": errors}


@register("learning.roster_check")
def roster_check(job, progress):
    """An enterprise enrols its own staff; a provider or the agency names each row's
    enterprise by its unified social credit code (or exact name)."""
    with job.file.open("rb") as f:
        table = find_table(read_rows(f, job.file.name), ROSTER_COLUMNS, {"name", "id_number"})
    own_enterprise = job.params.get("enterprise_id")
    if own_enterprise is None and "enterprise" not in table.columns:
        raise JobFailed("表头须包含“企业统一社会信用代码”列，说明每位学员所在的企业。")
    enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_active=True)
    by_code = {c: pk for pk, c in enterprises.exclude(credit_code="").values_list("pk", "credit_code")}
    by_name = {clean_text(n).replace(" ", ""): pk for pk, n in enterprises.values_list("pk", "name")}
    positions = {clean_text(n).replace(" ", ""): pk for pk, n in Position.objects.values_list("pk", "name")}
    industries = {clean_text(n).replace(" ", ""): pk for pk, n in Industry.objects.values_list("pk", "name")}
    rows = list(table.rows)
    progress.total(len(rows), "正在逐行校验")
    good, errors, seen = [], [], {}
    for done, (number, cells) in enumerate(rows, start=1):
        problems = []
        name = clean_text(_cell(table, cells, "name")).replace(" ", "")
        raw_id = _cell(table, cells, "id_number")
        number_text = ""
        try:
            info = idnumbers.check(raw_id if isinstance(raw_id, int | float) else clean_text(raw_id))
            number_text = info.number
        except ValidationError as e:
            problems.extend(e.messages)
        if not name:
            problems.append("姓名为空")
        enterprise_id = own_enterprise
        if enterprise_id is None:
            text = clean_text(_cell(table, cells, "enterprise")).replace(" ", "")
            enterprise_id = by_code.get(text.upper()) or by_name.get(text)
            if enterprise_id is None:
                problems.append(f"企业「{text or '（空）'}」不在平台的企业名录中")
        position_text = clean_text(_cell(table, cells, "position")).replace(" ", "")
        position_id = positions.get(position_text) if position_text else None
        if position_text and position_id is None:
            problems.append(f"岗位「{position_text}」不是平台的岗位名称")
        industry_text = clean_text(_cell(table, cells, "industry")).replace(" ", "")
        industry_id = industries.get(industry_text) if industry_text else None
        if industry_text and industry_id is None:
            problems.append(f"行业「{industry_text}」不是平台的行业名称")
        phone = clean_text(_cell(table, cells, "phone")).replace(" ", "")
        if number_text and not problems and number_text in seen:
            problems.append(f"与第 {seen[number_text]} 行是同一人")
        if problems:
            errors.append({"row": number, "text": f"{name} {mask_id_number(number_text)}".strip(), "errors": problems})
        else:
            seen[number_text] = number
            good.append(
                {
                    "row": number,
                    "name": name,
                    "id_number": number_text,
                    "phone": phone,
                    "enterprise_id": enterprise_id,
                    "position_id": position_id,
                    "industry_id": industry_id,
                }
            )
        progress.step(done)
    job.result_url = reverse("learning:import_review", args=[job.pk])
    job.save(update_fields=["result_url"])
    progress.step(len(rows), f"有效 {len(good)} 行，错误 {len(errors)} 行", force=True)
    return {
        "kind": "roster",
        "plan_id": job.params["plan_id"],
        "header_row": table.header_row,
        "good": good,
        "errors": errors,
    }
