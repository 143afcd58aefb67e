"""The quiz's calculations, shared by the services, pages and bench: the question bank's pools
for a competition's draw rules, scoring a paper against the bank, and which paper counts."""

from typing import Any

from yufang.learning.models import Question, QuestionKind

from .models import Competition, Counting, Paper, Participant


def _pools(draw: list[dict]) -> dict[tuple[str, int | None], list[int]]:
    pools = {}
    for row in draw:
        key = (row["category"], row.get("difficulty"))
        qs = Question.objects.filter(category=row["category"], is_active=True)
        if row.get("difficulty"):
            qs = qs.filter(difficulty=row["difficulty"])
        pools[key] = list(qs.order_by("pk").values_list("pk", flat=True))
    return pools


def bank_problems(competition: Competition) -> list[str]:
    """Why the question bank cannot yet serve the competition's papers (none: it can)."""
    problems = []
    for (category, difficulty), pool in _pools(competition.draw).items():
        wanted = next(
            r["count"] for r in competition.draw if r["category"] == category and r.get("difficulty") == difficulty
        )
        if len(pool) < wanted:
            level = {1: "易", 2: "中", 3: "难"}.get(difficulty, "不限难度")
            problems.append(f"题库中「{category}」（{level}）只有 {len(pool)} 题，抽题规则需要 {wanted} 题。")
    return problems


def shown_letter_to_bank(item: dict, shown: str) -> str:
    """The bank's letters for the letters the participant picked on their shuffled paper."""
    letters = []
    for c in shown:
        index = ord(c) - ord("A")
        if 0 <= index < len(item["order"]):
            letters.append(chr(ord("A") + item["order"][index]))
    return "".join(sorted(set(letters)))


def _normalise(kind: str, value) -> str:
    if isinstance(value, list | tuple):
        value = "".join(str(v) for v in value)
    letters = "".join(sorted({c for c in str(value or "").upper() if "A" <= c <= "F"}))
    return letters if kind == QuestionKind.MULTIPLE else letters[:1]


def grade(items: list[dict], answers: dict[str, Any], questions: dict[int, Question]) -> tuple[dict, int, int]:
    """(answers in the bank's letters, correct, score 0–100) of a paper's shown-letter answers."""
    given = {str(k): v for k, v in (answers or {}).items()}
    kept, correct = {}, 0
    for item in items:
        q = questions.get(item["q"])
        if q is None:
            continue
        shown = _normalise(q.kind, given.get(str(item["q"]), ""))
        answer = shown_letter_to_bank(item, shown) if shown else ""
        kept[str(item["q"])] = answer
        correct += int(bool(answer) and answer == q.answer)
    total = len(items) or 1
    return kept, correct, round(correct * 100 / total)


def counted_better(competition: Competition, participant: Participant, paper: Paper) -> bool:
    """Whether the paper replaces the participant's counted result under the counting rule."""
    if participant.score is None:
        return True
    if competition.counting == Counting.FIRST:
        return False
    return (paper.score, -paper.answer_ms) > (participant.score, -(participant.answer_ms or 0))


def shown_sequence(paper: Paper) -> str:
    """The letters the participant tapped, in the paper's order ("-" unanswered): with options
    shuffled per paper, two honest people almost never tap the same sequence."""
    letters = []
    for item in paper.items:
        bank = paper.answers.get(str(item["q"]), "")
        shown = sorted(
            chr(ord("A") + item["order"].index(ord(c) - ord("A"))) for c in bank if ord(c) - ord("A") in item["order"]
        )
        letters.append("".join(shown) or "-")
    return "|".join(letters)
