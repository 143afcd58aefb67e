"""Chart labels stay inside their charts: every axis label, value label and legend of the plan's
execution chart and the target breakdown charts, at a phone's width and a desktop column's,
with the platform's real names and large figures. The scripts run as the pages run them; the
test only asks ECharts to draw in SVG so the text can be measured."""

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ECHARTS = ROOT / "yufang/core/static/vendor/echarts-5.6.0/echarts.min.js"
EXECUTION = ROOT / "yufang/plans/static/plans/execution_chart.js"
PROGRESS = ROOT / "yufang/targets/static/targets/progress.js"

SVG = (
    "var init = echarts.init; echarts.init = function (el, theme, opts) {"
    " return init(el, theme, Object.assign({}, opts, {renderer: 'svg'})); };"
)

OUTSIDE = """() => {
  const out = [];
  document.querySelectorAll('.probe').forEach((box) => {
    const b = box.getBoundingClientRect();
    box.querySelectorAll('svg text').forEach((t) => {
      const r = t.getBoundingClientRect();
      if (!t.textContent.trim() || r.width === 0) return;
      if (r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 || r.bottom > b.bottom + 1)
        out.push(box.id + ': ' + t.textContent);
    });
  });
  return out;
}"""

EXECUTION_DATA = {
    "names": [
        "新媒体工伤预防宣传",
        "危险化学品企业工伤预防线下培训",
        "建筑业、机械制造、交通运输等重点行业工伤预防线下培训",
    ],
    "budget": [1_800_000, 2_600_000, 3_900_000],
    "committed": [1_200_000, 2_500_000, 3_100_000],
    "paid": [600_000, 1_250_000, 930_000],
}
BREAKDOWN = {
    "region": [
        [n, v]
        for n, v in zip(
            ["张店区", "淄川区", "博山区", "临淄区", "周村区", "桓台县", "高青县", "沂源县", "高新技术产业开发区"],
            [12840, 9310, 6120, 8870, 5400, 4010, 2980, 3110, 7650],
            strict=True,
        )
    ],
    "industry": [
        [n, v]
        for n, v in zip(
            ["危险化学品", "建筑施工", "机械制造", "交通运输", "快递/即时配送", "其他"],
            [18450, 12880, 9930, 7020, 4110, 1520],
            strict=True,
        )
    ],
    "position": [
        [n, v]
        for n, v in zip(
            ["主要负责人", "分管负责人", "安全管理部门负责人", "一线班组长", "其他从业人员"],
            [3120, 2870, 4410, 11230, 32190],
            strict=True,
        )
    ],
    "month": [[f"2023-{m:02d}", 1000 * m, 5000 * m] for m in range(1, 13)],
}


@pytest.mark.parametrize("width", [358, 640])
def test_chart_labels_stay_inside_the_chart(browser, width):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    boxes = "".join(
        f'<div class="probe chart" id="{i}" style="width:{width}px;height:{h}px"></div>'
        for i, h in [
            ("execution-chart", 260),
            ("chart-region", 300),
            ("chart-month", 300),
            ("chart-industry", 280),
            ("chart-position", 280),
        ]
    )
    page.set_content(
        "<!doctype html><html><head><meta charset='utf-8'></head><body style='margin:0'>"
        f"{boxes}"
        f"<script id='execution-data' type='application/json'>{json.dumps(EXECUTION_DATA)}</script>"
        f"<script id='breakdown-data' type='application/json'>{json.dumps(BREAKDOWN)}</script>"
        "</body></html>"
    )
    page.add_script_tag(path=str(ECHARTS))
    page.add_script_tag(content=SVG)
    page.add_script_tag(path=str(EXECUTION))
    page.add_script_tag(path=str(PROGRESS))
    page.evaluate("document.dispatchEvent(new Event('DOMContentLoaded'))")
    page.wait_for_timeout(1500)  # ECharts animates labels into place
    assert page.evaluate("document.querySelectorAll('.probe svg text').length") > 40
    assert page.evaluate(OUTSIDE) == []
    context.close()
