"""The fields a deliverable kind records, kept as data on the kind (`DeliverableKind.fields`):
a list of {"name", "label", "type", "required", "choices"}. The programme owner edits them as
lines of text; a deliverable's `details` are checked against them by the service, so pages and
the API obey the same list."""

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

TYPES = {
    "text": "文本",
    "textarea": "长文本",
    "int": "整数",
    "date": "日期",
    "datetime": "日期时间",
    "url": "链接",
    "choice": "选项",
}
TYPE_BY_LABEL = {label: code for code, label in TYPES.items()}
NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
LINE_FORMAT = "代码|名称|类型|选项（以 / 分隔，仅「选项」类型）|必填（是/否）"


def parse_lines(text: str) -> list[dict[str, Any]]:
    """The owner's lines (代码|名称|类型|选项|必填) as field specs; a bad line names its number."""
    specs: list[dict[str, Any]] = []
    errors = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (5 - len(parts))
        name, label, type_text, choices_text, required_text = parts[:5]
        kind = TYPE_BY_LABEL.get(type_text, type_text)
        if not NAME.match(name):
            errors.append(f"第 {number} 行：代码须以小写字母开头，只含小写字母、数字和下划线。")
        elif any(s["name"] == name for s in specs):
            errors.append(f"第 {number} 行：代码「{name}」重复。")
        if not label:
            errors.append(f"第 {number} 行：请填写名称。")
        if kind not in TYPES:
            errors.append(f"第 {number} 行：类型须为 {'、'.join(TYPES.values())} 之一。")
        choices = [c.strip() for c in choices_text.split("/") if c.strip()]
        if kind == "choice" and len(choices) < 2:
            errors.append(f"第 {number} 行：「选项」类型须列出至少两个选项，以 / 分隔。")
        if required_text not in ("", "是", "否"):
            errors.append(f"第 {number} 行：必填一栏只能写「是」或「否」。")
        specs.append(
            {
                "name": name,
                "label": label,
                "type": kind,
                "required": required_text != "否",
                "choices": choices if kind == "choice" else [],
            }
        )
    if errors:
        raise ValidationError(errors)
    return specs


def to_lines(specs: list[dict[str, Any]]) -> str:
    return "\n".join(
        "|".join(
            [
                s["name"],
                s["label"],
                TYPES.get(s["type"], s["type"]),
                "/".join(s.get("choices") or []),
                "是" if s.get("required", True) else "否",
            ]
        )
        for s in specs
    )


def _value(spec: dict[str, Any], value: Any) -> Any:
    """The value as stored (JSON: text, whole numbers, ISO dates), or ValidationError."""
    kind, label = spec["type"], spec["label"]
    if kind == "int":
        if isinstance(value, bool):
            raise ValidationError(f"「{label}」须为整数。")
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(f"「{label}」须为整数。") from None
        if number < 0:
            raise ValidationError(f"「{label}」不能为负数。")
        return number
    if kind == "date":
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value.isoformat()
        try:
            return datetime.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValidationError(f"「{label}」须为日期（YYYY-MM-DD）。") from None
    if kind == "datetime":
        if isinstance(value, datetime.datetime):
            return value.replace(tzinfo=None, second=0, microsecond=0).isoformat(timespec="minutes")
        try:
            parsed = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(f"「{label}」须为日期时间（YYYY-MM-DD HH:MM）。") from None
        return parsed.replace(tzinfo=None, second=0, microsecond=0).isoformat(timespec="minutes")
    text = str(value).strip()
    if len(text) > 2000:
        raise ValidationError(f"「{label}」过长（不超过 2000 字）。")
    if kind == "url":
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            raise ValidationError(f"「{label}」须为以 http:// 或 https:// 开头的链接。") from None
    if kind == "choice" and text not in spec.get("choices", []):
        raise ValidationError(f"「{label}」只能是：{'、'.join(spec['choices'])}。")
    return text


def clean_details(specs: list[dict[str, Any]], data: dict[str, Any] | None) -> dict[str, Any]:
    """A deliverable's details checked against its kind's fields: unknown keys dropped, required
    ones present, each of its type. Errors are keyed `f_<name>`, as the form names its fields."""
    data = data or {}
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for spec in specs:
        value = data.get(spec["name"])
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.get("required", True):
                errors[f"f_{spec['name']}"] = [f"请填写「{spec['label']}」。"]
            continue
        try:
            cleaned[spec["name"]] = _value(spec, value)
        except ValidationError as e:
            errors[f"f_{spec['name']}"] = e.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def readable(specs: list[dict[str, Any]], details: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) in the kind's order, for pages and exports; fields the kind no longer
    lists are still shown, under their code."""
    rows = []
    known = set()
    for spec in specs:
        known.add(spec["name"])
        if spec["name"] in details:
            value = details[spec["name"]]
            if spec["type"] == "datetime":
                value = str(value).replace("T", " ")
            rows.append((spec["label"], str(value)))
    rows.extend((name, str(value)) for name, value in details.items() if name not in known)
    return rows


def readable_specs(specs: list[dict[str, Any]]) -> str:
    """The fields as a short line for the kinds page: 频道、栏目（必填）…"""
    return "、".join(
        f"{s['label']}（{TYPES.get(s['type'], s['type'])}{'' if s.get('required', True) else '，选填'}）" for s in specs
    )
