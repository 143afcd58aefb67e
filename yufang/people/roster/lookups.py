"""Employer, position and industry names of a roster resolved against the register and the
reference tables, once per distinct cell text."""

import difflib
from typing import Any

from django.core.exceptions import ValidationError

from yufang.accounts.models import Organisation, OrganisationKind, validate_credit_code
from yufang.reference.models import Industry, Position, Synonym

from .rules import _text


class _Lookups:
    """Enterprise and position names resolved once per distinct cell text: a roster of
    100,000 rows names a few dozen enterprises."""

    def __init__(self, city_id: int, enterprise_required: bool):
        self.enterprise_required = enterprise_required
        enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, city_id=city_id)
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        for pk, name, code in enterprises.values_list("pk", "name", "credit_code"):
            self.by_name[name.replace(" ", "")] = pk
            if code:
                self.by_code[code] = pk
        # Names, then the owner's table of same-meaning words (reference.Synonym).
        self.positions = {name.replace(" ", ""): pk for pk, name in Position.objects.values_list("pk", "name")}
        self.industries: dict[str, int] = {}
        for pk, name, code in Industry.objects.filter(is_active=True).values_list("pk", "name", "code"):
            self.industries[name.replace(" ", "")] = pk
            self.industries.setdefault(code, pk)
        for text, industry_id, position_id in Synonym.objects.values_list("text", "industry_id", "position_id"):
            if industry_id:
                self.industries.setdefault(text, industry_id)
            else:
                self.positions.setdefault(text, position_id)
        self.position_names = dict(Position.objects.values_list("pk", "name"))
        self.industry_names = dict(Industry.objects.values_list("pk", "name"))
        self._enterprise: dict[tuple, tuple[int | None, str, str]] = {}
        self._position: dict[Any, tuple[int | None, str]] = {}
        self._industry: dict[Any, tuple[int | None, str]] = {}

    def enterprise(self, raw_code, raw_name) -> tuple[int | None, str, str]:
        """(enterprise id, error, warning)"""
        key = (raw_code, raw_name)
        found = self._enterprise.get(key)
        if found is None:
            code = _text(raw_code).replace(" ", "").upper()
            name = _text(raw_name).replace(" ", "")
            enterprise_id, error, warning = None, "", ""
            if code:
                try:
                    validate_credit_code(code)
                except ValidationError:
                    error = f"统一社会信用代码「{code}」无效"
                else:
                    enterprise_id = self.by_code.get(code)
            named = self.by_name.get(name) if name else None
            if enterprise_id is not None and named is not None and named != enterprise_id:
                error = f"统一社会信用代码「{code}」与单位名称「{name}」是平台上的两家不同企业，请核对"
                enterprise_id = None
            elif enterprise_id is None:
                enterprise_id = named
            if enterprise_id is None and not error:
                if self.enterprise_required and not (code or name):
                    error = "工作单位为空：每行须写明单位名称或统一社会信用代码"
                elif self.enterprise_required:
                    error = (
                        f"单位「{name or code}」不在平台的企业名录中："
                        "请填写已登记企业的统一社会信用代码或与登记完全一致的单位名称"
                    )
                elif code or name:
                    warning = f"单位「{name or code}」不在企业名录中，工作单位暂不登记"
            found = self._enterprise[key] = (enterprise_id, error, warning)
        return found

    def position(self, raw, required: bool = False) -> tuple[int | None, str]:
        return self._named(raw, self._position, self.positions, self.position_names, "岗位", required)

    def industry(self, raw, required: bool = False) -> tuple[int | None, str]:
        return self._named(raw, self._industry, self.industries, self.industry_names, "行业", required)

    @staticmethod
    def _named(
        raw, cache: dict, ids: dict[str, int], names: dict[int, str], label: str, required: bool
    ) -> tuple[int | None, str]:
        """(id, message) of a reference name or synonym, resolved once per distinct cell text. An
        unknown value is reported with the closest reference names, never mapped by guess. The
        message is a warning (the value is not stored), or, where the value is `required`, the
        reason the row is refused (a blank one too)."""
        found = cache.get((raw, required))
        if found is None:
            name = _text(raw).replace(" ", "")
            pk = ids.get(name) if name else None
            message = ""
            if name and pk is None:
                close = difflib.get_close_matches(name, list(ids), n=6, cutoff=0.3)
                nearest = list(dict.fromkeys(names[ids[c]] for c in close))[:3]
                hint = f"，最接近的是：{'、'.join(nearest)}" if nearest else ""
                outcome = "本行不导入" if required else f"{label}暂不登记"
                message = (
                    f"{label}「{name[:20]}」不在平台的{label}名录及同义写法中{hint}；"
                    f"{outcome}，含义相同的写法可请管理员加入同义写法表"
                )
            elif required and not name:
                message = f"{label}为空：实名制花名册每行须写明{label}"
            found = cache[(raw, required)] = (pk, message)
        return found
