"""Checking the register and statistics spreadsheets row by row before the agency confirms."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.urls import reverse

from yufang.accounts.models import Organisation, OrganisationKind, phone_validator, validate_credit_code
from yufang.core.jobs import register
from yufang.core.spreadsheets import clean_text, find_table, read_rows
from yufang.reference.models import City, Industry, Region

from .models import LicenceType, gbt4754_validator

REGISTER_COLUMNS = {
    "name": ("企业名称", "单位名称", "企业"),
    "credit_code": ("统一社会信用代码", "信用代码"),
    "region": ("所在区县", "区县", "属地"),
    "industry": ("行业类别", "重点行业", "行业"),
    "industry_code": ("国民经济行业代码", "行业代码"),
    "licence_type": ("危化品许可类型", "许可类型"),
    "licence_number": ("许可证编号", "许可证号"),
    "insured_headcount": ("参保人数",),
    "contact_name": ("联系人",),
    "contact_phone": ("联系电话", "电话"),
}
STAT_COLUMNS = {
    "credit_code": ("统一社会信用代码", "信用代码"),
    "name": ("企业名称", "单位名称"),
    "year": ("年度", "年份"),
    "accident_cases": ("工伤事故件数", "工伤认定件数", "工伤事故"),
    "disease_cases": ("职业病件数", "职业病"),
    "insured_headcount": ("参保人数",),
    "premiums_paid": ("缴费金额", "工伤保险费", "缴纳工伤保险费"),
    "benefits_paid": ("基金支付", "待遇支付", "工伤保险基金支付"),
}


def _int(value, label: str, problems: list[str]) -> int | None:
    text = clean_text(value).replace(",", "")
    try:
        number = float(text)
        if number < 0 or number != int(number):
            raise ValueError
        return int(number)
    except ValueError:
        problems.append(f"{label}「{text or '（空）'}」须为非负整数")
        return None


def _money(value, label: str, problems: list[str]) -> str | None:
    text = clean_text(value).replace(",", "").replace("元", "")
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
        if amount < 0:
            raise InvalidOperation
        return str(amount)
    except InvalidOperation:
        problems.append(f"{label}「{text or '（空）'}」须为非负金额")
        return None


def _cell(table, cells, field):
    index = table.columns.get(field)
    return cells[index] if index is not None and index < len(cells) else None


def _register_lookups(city) -> tuple[dict, dict, dict]:
    """The names a register's cells may use: the city's regions, the platform's industries (by
    name, code and the common short words) and the hazardous-chemicals licence types."""
    regions = {r.name: r.pk for r in Region.objects.filter(city=city)}
    industries = {}
    for i in Industry.objects.all():
        industries[i.name] = i.pk
        industries[i.code] = i.pk
    industries.update(
        {
            "建筑业": industries.get("construction"),
            "危化": industries.get("hazchem"),
            "快递": industries.get("express"),
            "运输": industries.get("transport"),
        }
    )
    licence = {label: value for value, label in LicenceType.choices if value}
    licence.update({"生产": "production", "经营": "operation", "使用": "use"})
    return regions, industries, licence


def _register_identity(table, cells, problems: list) -> tuple[str, str]:
    """The row's name and credit code, checked against each other and the organisations on file."""
    name = clean_text(_cell(table, cells, "name")).replace(" ", "")
    code = clean_text(_cell(table, cells, "credit_code")).replace(" ", "").upper()
    if not name:
        problems.append("企业名称为空")
    try:
        validate_credit_code(code)
        if not code:
            raise ValidationError("")
    except ValidationError:
        problems.append(f"统一社会信用代码「{code or '（空）'}」无效（18 位，末位为校验码）")
    other = (
        Organisation.objects.filter(credit_code=code).exclude(kind=OrganisationKind.ENTERPRISE).first()
        if code
        else None
    )
    if other is not None:
        problems.append("该信用代码已登记为非企业机构")
    same_name = Organisation.objects.filter(name=name).exclude(credit_code=code).first() if name else None
    if same_name is not None:
        problems.append("同名机构已登记，但信用代码不同")
    return name, code


def _register_classification(table, cells, lookups: tuple[dict, dict, dict], problems: list) -> dict:
    """The row's region, industry (and its GB/T 4754 code) and hazardous-chemicals licence."""
    regions, industries, licence = lookups
    region_name = clean_text(_cell(table, cells, "region")).replace(" ", "")
    region_id = regions.get(region_name) if region_name else None
    if region_name and region_id is None:
        problems.append(f"区县「{region_name}」不在本市")
    industry_name = clean_text(_cell(table, cells, "industry")).replace(" ", "")
    industry_id = industries.get(industry_name)
    if industry_id is None:
        problems.append(f"行业类别「{industry_name or '（空）'}」不是平台的行业类别")
    industry_code = clean_text(_cell(table, cells, "industry_code")).replace(" ", "").upper()
    if industry_code:
        try:
            gbt4754_validator(industry_code)
        except ValidationError as e:
            problems.append(e.messages[0])
    licence_text = clean_text(_cell(table, cells, "licence_type")).replace(" ", "")
    licence_type = licence.get(licence_text, "") if licence_text not in ("", "无") else ""
    if licence_text not in ("", "无") and not licence_type:
        problems.append(f"危化品许可类型「{licence_text}」无法识别")
    licence_number = clean_text(_cell(table, cells, "licence_number"))
    if licence_type and not licence_number:
        problems.append("有危化品许可的须填写许可证编号")
    return {
        "region_id": region_id,
        "industry_id": industry_id,
        "industry_code": industry_code,
        "licence_type": licence_type,
        "licence_number": licence_number if licence_type else "",
    }


def _register_contact(table, cells, problems: list) -> dict:
    """The row's insured headcount and contact."""
    headcount_raw = _cell(table, cells, "insured_headcount")
    headcount = _int(headcount_raw, "参保人数", problems) if clean_text(headcount_raw) else 0
    phone = clean_text(_cell(table, cells, "contact_phone")).replace(" ", "")
    if phone:
        try:
            phone_validator(phone)
        except ValidationError:
            problems.append("联系电话格式不正确")
    return {
        "insured_headcount": headcount,
        "contact_name": clean_text(_cell(table, cells, "contact_name")),
        "contact_phone": phone,
    }


@register("enterprises.register_check")
def register_check(job, progress):
    city = City.objects.get(pk=job.params["city_id"])
    with job.file.open("rb") as f:
        table = find_table(read_rows(f, job.file.name), REGISTER_COLUMNS, {"name", "credit_code", "industry"})
    lookups = _register_lookups(city)
    rows = list(table.rows)
    progress.total(len(rows), "正在逐行校验")
    good, errors, seen = [], [], {}
    for done, (number, cells) in enumerate(rows, start=1):
        problems = []
        name, code = _register_identity(table, cells, problems)
        place = _register_classification(table, cells, lookups, problems)
        contact = _register_contact(table, cells, problems)
        if code and code in seen:
            problems.append(f"与第 {seen[code]} 行的信用代码相同")
        if problems:
            errors.append({"row": number, "name": name, "code": code, "errors": problems})
        else:
            seen[code] = number
            region_id = place.pop("region_id")
            good.append(
                {"name": name, "credit_code": code, "region_id": region_id, "city_id": city.pk, **place, **contact}
            )
        progress.step(done)
    job.result_url = reverse("enterprises:import_review", args=[job.pk])
    job.save(update_fields=["result_url"])
    progress.step(len(rows), f"有效 {len(good)} 行，错误 {len(errors)} 行", force=True)
    return {"kind": "register", "header_row": table.header_row, "good": good, "errors": errors}


@register("enterprises.statistics_check")
def statistics_check(job, progress):
    with job.file.open("rb") as f:
        table = find_table(
            read_rows(f, job.file.name),
            STAT_COLUMNS,
            {"credit_code", "year", "insured_headcount", "premiums_paid", "benefits_paid"},
        )
    by_code = dict(
        Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, enterprise_profile__isnull=False)
        .exclude(credit_code="")
        .values_list("credit_code", "pk")
    )
    rows = list(table.rows)
    progress.total(len(rows), "正在逐行校验")
    good, errors, seen = [], [], {}
    for done, (number, cells) in enumerate(rows, start=1):
        problems = []
        code = clean_text(_cell(table, cells, "credit_code")).replace(" ", "").upper()
        enterprise_id = by_code.get(code)
        if enterprise_id is None:
            problems.append(f"信用代码「{code or '（空）'}」不在企业名录中")
        year = _int(_cell(table, cells, "year"), "年度", problems)
        if year is not None and not 2000 <= year <= 2100:
            problems.append(f"年度「{year}」不合理")
        accident = _int(_cell(table, cells, "accident_cases") or 0, "工伤事故件数", problems)
        disease = _int(_cell(table, cells, "disease_cases") or 0, "职业病件数", problems)
        insured = _int(_cell(table, cells, "insured_headcount"), "参保人数", problems)
        premiums = _money(_cell(table, cells, "premiums_paid"), "缴费金额", problems)
        benefits = _money(_cell(table, cells, "benefits_paid"), "基金支付", problems)
        key = (enterprise_id, year)
        if not problems and key in seen:
            problems.append(f"与第 {seen[key]} 行重复（同一企业同一年度）")
        if problems:
            errors.append(
                {"row": number, "name": clean_text(_cell(table, cells, "name")), "code": code, "errors": problems}
            )
        else:
            seen[key] = number
            good.append(
                {
                    "enterprise_id": enterprise_id,
                    "year": year,
                    "accident_cases": accident,
                    "disease_cases": disease,
                    "insured_headcount": insured,
                    "premiums_paid": premiums,
                    "benefits_paid": benefits,
                }
            )
        progress.step(done)
    job.result_url = reverse("enterprises:import_review", args=[job.pk])
    job.save(update_fields=["result_url"])
    progress.step(len(rows), f"有效 {len(good)} 行，错误 {len(errors)} 行", force=True)
    return {"kind": "statistics", "header_row": table.header_row, "good": good, "errors": errors}
