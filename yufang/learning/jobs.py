"""Background work of the online platform: the spreadsheet imports, checked row by row before
anything is written (the enrolment roster and the question bank; the user reads the per-row
report and confirms), and the re-evaluation of learners after the completion rule is relaxed
(who has already studied enough gets the certificate without studying again)."""

from django.urls import reverse

from yufang.core.jobs import register
from yufang.core.spreadsheets import clean_text, find_table, read_rows
from yufang.people.roster import check_progress, check_result, drop_stage
from yufang.people.roster import roster_check as check_roster
from yufang.plans.models import Plan

from .models import Question, QuestionKind
from .services import EVALUATE_JOB, enrolments_evaluate

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
    "difficulty": ("难度", "难易程度"),
}
# An empty difficulty cell is 中 (the bank's default); the quiz draws by these.
DIFFICULTY_NAMES = {"易": 1, "简单": 1, "容易": 1, "中": 2, "中等": 2, "一般": 2, "难": 3, "困难": 3, "较难": 3}
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
        question = _question(table, cells, problems)
        key = (question["category"], question["stem"])
        if not problems and key in existing:
            problems.append("题库中已有相同分类、相同题干的题目")
        if not problems and key in seen:
            problems.append(f"与第 {seen[key]} 行重复")
        if problems:
            errors.append({"row": number, "text": question["stem"][:40], "errors": problems})
        else:
            seen[key] = number
            good.append({"row": number, **question})
        progress.step(done)
    job.result_url = reverse("learning:import_review", args=[job.pk])
    job.save(update_fields=["result_url"])
    progress.step(len(rows), f"有效 {len(good)} 行，错误 {len(errors)} 行", force=True)
    return {"kind": "questions", "header_row": table.header_row, "good": good, "errors": errors}


def _question(table, cells, problems: list[str]) -> dict:
    """One row's question, its problems added to `problems`."""
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
    options, answer = _options_and_answer(kind, options, raw_answer, problems)
    difficulty_text = clean_text(_cell(table, cells, "difficulty")).replace(" ", "")
    difficulty = DIFFICULTY_NAMES.get(difficulty_text, 2 if not difficulty_text else None)
    if difficulty is None:
        problems.append(f"难度「{difficulty_text}」应为易、中或难")
    return {
        "difficulty": difficulty or 2,
        "category": category,
        "kind": kind,
        "stem": stem,
        "options": options,
        "answer": answer,
        "explanation": clean_text(_cell(table, cells, "explanation")),
    }


def _options_and_answer(kind, options: list[str], raw_answer: str, problems: list[str]) -> tuple[list[str], str]:
    """The options as stored (a true/false question's are fixed) and the answer's letters."""
    if kind == QuestionKind.TRUE_FALSE:
        answer = TRUE_FALSE.get(raw_answer, raw_answer if raw_answer in ("A", "B") else "")
        if not answer:
            problems.append(f"判断题答案「{raw_answer or '（空）'}」应为“对”或“错”")
        return ["正确", "错误"], answer
    if kind is None:
        return options, ""
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
    return options, letters


@register("learning.roster_check")
def roster_check(job, progress):
    """The offline roster importer's checks (header under titles, full-width text, numeric ID
    numbers, duplicates, people on file) against the year's enrolment list. An enterprise enrols
    its own staff; a provider or the agency names each row's enterprise by its unified social
    credit code or name."""
    from .selectors import enrolment_target

    plan = Plan.objects.get(pk=job.params["plan_id"])
    target = enrolment_target(plan, job.params.get("enterprise_id"))
    progress.total(0, "正在逐行校验")
    with job.file.open("rb") as f:
        checked = check_roster(f, job.file.name, target, progress=check_progress(progress))
    drop_stage(checked)
    job.result_url = reverse("learning:import_review", args=[job.pk])
    job.save(update_fields=["result_url"])
    progress.total(checked.total)
    progress.step(checked.total, f"有效 {checked.valid} 行，错误 {checked.error_count} 行", force=True)
    return {"kind": "roster", "plan_id": plan.pk, **check_result(job, checked)}


@register(EVALUATE_JOB)
def evaluate(job, progress):
    plan = Plan.objects.get(pk=job.params["plan_id"])
    met = enrolments_evaluate(plan=plan, progress=progress)
    progress.step(job.done, f"已核定 {job.done} 人，新达标 {met} 人", force=True)
    job.result_url = reverse("learning:learners") + f"?plan={plan.pk}&status=completed"
    job.save(update_fields=["result_url"])
    return {"met": met, "evaluated": job.done}
