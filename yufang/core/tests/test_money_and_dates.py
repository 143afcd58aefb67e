"""Money with thousands separators and dates written one way, on every page."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

from django.template import Context, Template

TEMPLATES = [p for p in Path(__file__).resolve().parents[2].glob("**/templates/**/*.html")]
TEMPLATES += list((Path(__file__).resolve().parents[3] / "templates").glob("**/*.html"))

# Money the platform stores (Decimal yuan); a form field (`f.amount`) renders an input, not a value.
MONEY = re.compile(
    r"\{\{\s*(?!f\.|form\.)[\w.]*\b(price|amount|budget_total|premiums_paid|benefits_paid|committed|paid|min_amount|"
    r"old_price|new_price)\s*(\|(?!yuan)[^}]*)?\}\}"
)
DATE_FORMATS = {"Y-m-d", "Y-m-d H:i", "Y-m-d H:i:s", "H:i", "H:i:s", "Y-m"}


def test_the_checks_below_read_every_template_django_can_load():
    """The lists the checks below scan are the templates the engine loads pages from, not a
    glob that could quietly miss a folder."""
    from django.template import engines

    loadable = set()
    for directory in engines["django"].template_dirs:
        if str(directory).startswith(str(Path(__file__).resolve().parents[3])) and ".venv" not in str(directory):
            loadable |= {p.resolve() for p in Path(directory).glob("**/*.html")}
    assert loadable and loadable <= {p.resolve() for p in TEMPLATES}


def test_every_amount_shown_goes_through_the_money_filter():
    bare = [f"{p.name}: {m.group(0)}" for p in TEMPLATES for m in MONEY.finditer(p.read_text())]
    assert bare == []


def test_every_date_shown_uses_one_of_the_platform_formats():
    odd = [
        f"{p.name}: {fmt}"
        for p in TEMPLATES
        for fmt in re.findall(r"\|date:[\"']([^\"']*)[\"']", p.read_text())
        if fmt not in DATE_FORMATS
    ]
    assert odd == []


def test_money_and_unformatted_dates_render_the_same_way_as_formatted_ones():
    out = Template("{% load yufang %}{{ m|yuan }} | {{ d }} | {{ t }} | {{ d|date }}").render(
        Context(
            {
                "m": Decimal("1234567.5"),
                "d": datetime.date(2023, 9, 1),
                "t": datetime.datetime(2023, 9, 1, 6, 30, tzinfo=datetime.UTC),
            }
        )
    )
    assert out == "1,234,567.50 | 2023-09-01 | 2023-09-01 14:30 | 2023-09-01"
