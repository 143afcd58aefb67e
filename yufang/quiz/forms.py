"""Forms of the quiz: joining on a phone, and a competition's rules typed as lines (one draw rule,
award or round per line) so the rules stay data without a form per row."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from yufang.core.widgets import StyledFormMixin
from yufang.reference.models import Region

from .models import Counting

DIFFICULTY_WORDS = {"易": 1, "中": 2, "难": 3, "不限": None, "": None}


class JoinForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="身份证号", max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"})
    )
    phone = forms.CharField(label="手机号", max_length=11, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    credit_code = forms.CharField(
        label="单位统一社会信用代码",
        max_length=18,
        required=False,
        help_text="扫描本单位海报二维码会自动填写；单位不在名录中时请选择所在区县。",
    )
    region = forms.ModelChoiceField(label="单位所在区县", queryset=Region.objects.none(), required=False)

    def __init__(self, *args, city_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(city_id=city_id).order_by("sort_order", "pk")


def _lines(text: str) -> list[list[str]]:
    rows = []
    for line in (text or "").splitlines():
        line = line.replace("，", ",").strip()
        if line:
            rows.append([part.strip() for part in line.split(",")])
    return rows


class CompetitionForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="竞答名称", max_length=200)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2, "wide": True}))
    time_limit_seconds = forms.IntegerField(label="答题限时（秒）", min_value=30, max_value=7200, initial=600)
    attempts_per_day = forms.IntegerField(label="每人每日可答次数", min_value=1, initial=1)
    attempts_total = forms.IntegerField(label="每人累计可答次数", min_value=1, initial=3)
    counting = forms.ChoiceField(label="计分方式", choices=Counting.choices)
    reach_participants = forms.IntegerField(label="企业覆盖人数标准", min_value=1, initial=10)
    min_seconds_per_question = forms.IntegerField(label="每题最短合理用时（秒）", min_value=0, initial=2)
    draw = forms.CharField(
        label="抽题规则",
        widget=forms.Textarea(attrs={"rows": 3, "wide": True}),
        help_text="每行一条：题目分类,难度（易/中/难/不限）,题数。例如：工伤保险政策,中,5",
    )
    awards = forms.CharField(
        label="奖项设置",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "wide": True}),
        help_text="每行一个奖项，按名次先后：名称,名额,最低分。例如：一等奖,10,90",
    )
    rounds = forms.CharField(
        label="轮次",
        widget=forms.Textarea(attrs={"rows": 2, "wide": True}),
        help_text="每行一轮：名称,开始时间,结束时间。例如：第一轮,2023-06-01 09:00,2023-06-10 18:00",
    )

    def clean_draw(self):
        rows = []
        for i, parts in enumerate(_lines(self.cleaned_data["draw"]), start=1):
            if len(parts) != 3 or parts[1] not in DIFFICULTY_WORDS or not parts[2].isdigit():
                raise ValidationError(f"第 {i} 行应为：题目分类,难度（易/中/难/不限）,题数")
            rows.append({"category": parts[0], "difficulty": DIFFICULTY_WORDS[parts[1]], "count": int(parts[2])})
        return rows

    def clean_awards(self):
        rows = []
        for i, parts in enumerate(_lines(self.cleaned_data["awards"]), start=1):
            if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
                raise ValidationError(f"第 {i} 行应为：名称,名额,最低分")
            rows.append({"name": parts[0], "places": int(parts[1]), "min_score": int(parts[2])})
        return rows

    def clean_rounds(self):
        rows = []
        for i, parts in enumerate(_lines(self.cleaned_data["rounds"]), start=1):
            try:
                opens, closes = (
                    datetime.datetime.strptime(p, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.get_current_timezone())
                    for p in parts[1:3]
                )
            except (ValueError, TypeError):
                raise ValidationError(f"第 {i} 行应为：名称,开始时间,结束时间（时间写作 2023-06-01 09:00）") from None
            if len(parts) != 3:
                raise ValidationError(f"第 {i} 行应为：名称,开始时间,结束时间")
            rows.append({"name": parts[0], "opens_at": opens, "closes_at": closes})
        return rows

    @staticmethod
    def initial_from(competition) -> dict:
        words = {v: k for k, v in DIFFICULTY_WORDS.items() if k}
        return {
            **{f: getattr(competition, f) for f in CompetitionForm.base_fields if hasattr(competition, f)},
            "draw": "\n".join(f"{r['category']},{words[r.get('difficulty')]},{r['count']}" for r in competition.draw),
            "awards": "\n".join(f"{a['name']},{a['places']},{a['min_score']}" for a in competition.awards),
            "rounds": "\n".join(
                f"{r.name},{timezone.localtime(r.opens_at):%Y-%m-%d %H:%M},{timezone.localtime(r.closes_at):%Y-%m-%d %H:%M}"
                for r in competition.rounds.all()
            ),
        }
