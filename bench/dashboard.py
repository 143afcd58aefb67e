"""The leaders' pages at programme scale, on the data bench/effect.py generates (20,000
enterprises with five years of statistics, 200,000 people, 1,000,000 completions) plus 100,000
online enrolments of the plan year. Prints the server time (the whole request through Django's
test client) of the dashboard for the city and for a district, in the three states a visit
meets (nothing counted yet for that reader: counted in the request; records unchanged since
the last count; records changed a moment ago: the last count is shown while a background task
counts afresh), how long that background recount takes, the years page, the briefing archive,
the public plan page and the effect page (reading the result the background stored), against
the plain ORM aggregates over the same records, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yufang_bench .venv/bin/python bench/dashboard.py --generate

--generate runs bench/effect.py first (it drops and recreates the database named in
DATABASE_URL, generates the data and prints the effect page's own figures); without it the
database bench/effect.py left is measured. Options: --enrolments, --repeat."""

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yufang_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"

from effect import TRAINING_YEAR, copy_rows, percentile  # noqa: E402
from target_progress import QueryTimer  # noqa: E402


def add_enrolments(n: int) -> float:
    """n enrolments of the plan year by COPY (people of the generated enterprises), once."""
    from django.db import connection

    from yufang.learning.models import Enrolment
    from yufang.people.models import Person
    from yufang.plans.models import Plan

    plan = Plan.objects.filter(year=TRAINING_YEAR, status="issued").first()
    if Enrolment.objects.filter(plan=plan).count() >= n:
        return 0.0
    start = time.perf_counter()
    rng = random.Random(2)
    now = datetime.datetime.now(datetime.UTC)
    taken = set(Enrolment.objects.filter(plan=plan).values_list("person_id", flat=True))
    # Read before the COPY starts: the connection carries one statement at a time.
    people = list(
        Person.objects.filter(enterprise__isnull=False, name__startswith="人员")
        .exclude(pk__in=taken)
        .order_by("pk")
        .values_list("pk", "enterprise_id")[:n]
    )

    def rows():
        for person_id, enterprise_id in people:
            r = rng.random()
            credited = 0 if r < 0.1 else rng.randint(60_000, 20_000_000)
            completed = datetime.date(TRAINING_YEAR, rng.randint(3, 12), rng.randint(1, 28)) if r > 0.3 else None
            yield (now, now, person_id, plan.pk, enterprise_id, "roster", completed, credited, 0, 0, "", 0)

    copy_rows(
        connection,
        Enrolment,
        rows(),
        [
            "created_at",
            "updated_at",
            "person_id",
            "plan_id",
            "enterprise_id",
            "channel",
            "completed_on",
            "credited_ms",
            "last_position_ms",
            "check_due_ms",
            "check_pending",
            "day_credited_ms",
        ],
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - start


def store_city_effect(owner) -> float:
    """What the background refresh does for the page's choice: compute it once and store it."""
    from decimal import Decimal

    from yufang.insight.effect_store import effect_fingerprint, effect_store, region_key_of

    start = time.perf_counter()
    effect_store(
        region_key=region_key_of(owner),
        year=TRAINING_YEAR,
        threshold=Decimal("10"),
        exclude_key=False,
        fingerprint=effect_fingerprint(),
    )
    return time.perf_counter() - start


def _forget_kept() -> None:
    """Nothing counted yet for any reader: the next visit counts in the request."""
    from django.core.cache import cache

    from yufang.insight.models import DashboardSnapshot

    DashboardSnapshot.objects.all().delete()
    cache.clear()


def _a_change(owner, plan) -> None:
    """An audited edit moves the sources' stamp (as any transition, completion or payment does);
    the recount claim is given back so each visit meets the change afresh."""
    from yufang.core.audit import record
    from yufang.insight.models import DashboardSnapshot

    record(actor=owner, action="update", instance=plan, event="驾驶舱基准：一次变更")
    DashboardSnapshot.objects.update(recount_started=None)


def _counted(*users_plan) -> None:
    """What the worker does for a reader's first visit: the first count, kept."""
    from yufang.insight.dashboard import dashboard_recount

    *users, plan = users_plan
    for user in users:
        dashboard_recount.call(user.pk, plan.pk, None)
        dashboard_recount.call(user.pk, plan.pk, 6)


def measure(user, url: str, *, repeat: int, before=None, shows: bytes | None = None):
    """Server time of `repeat` requests (p50, p95), the database time (median) and the queries;
    `before` runs ahead of each request, outside the timing; `shows`: what every answer holds."""
    from django.db import connection
    from django.test import Client

    client = Client()
    if user is not None:  # None: an anonymous visitor (the public page)
        client.force_login(user)
    assert client.get(url).status_code == 200  # warm: imports, templates, what is kept
    wall, db, queries = [], [], []
    for _ in range(repeat):
        if before is not None:
            before()
        timer = QueryTimer()
        start = time.perf_counter()
        with connection.execute_wrapper(timer):
            response = client.get(url)
        wall.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        assert shows is None or shows in response.content, (url, shows)
        db.append(timer.seconds * 1000)
        queries.append(timer.count)
    return statistics.median(wall), percentile(wall, 0.95), statistics.median(db), max(queries)


def _clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()


def recount_seconds(user, plan, repeat: int) -> list[float]:
    """What the background task does after a change: count the reader's figures afresh and keep
    them (run here in the process, as the worker runs it)."""
    from yufang.insight.dashboard import dashboard_recount

    runs = []
    for _ in range(repeat):
        _a_change(user, plan)
        start = time.perf_counter()
        dashboard_recount.call(user.pk, plan.pk, None)
        runs.append(time.perf_counter() - start)
    return runs


def plain_orm(user, plan, repeat: int) -> list[tuple[float, float, int]]:
    """The plain ORM aggregates over the same records: (wall ms, database ms, queries) per run."""
    from django.db import connection

    from yufang.insight.dashboard import dashboard_orm_baseline

    runs = []
    for _ in range(repeat):
        timer = QueryTimer()
        start = time.perf_counter()
        with connection.execute_wrapper(timer):
            dashboard_orm_baseline(user=user, plan=plan)
        runs.append(((time.perf_counter() - start) * 1000, timer.seconds * 1000, timer.count))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", action="store_true", help="run bench/effect.py first (recreates the database)")
    parser.add_argument("--enrolments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL.")
    if args.generate:
        subprocess.run([sys.executable, str(ROOT / "bench" / "effect.py"), "--repeat", "6"], check=True)

    import django

    django.setup()
    from django.conf import settings
    from django.urls import reverse

    from yufang.accounts.models import User
    from yufang.plans.models import Plan
    from yufang.targets.models import Completion

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    t_enrol = add_enrolments(args.enrolments)
    plan = Plan.objects.filter(year=TRAINING_YEAR, status="issued").first()
    owner = User.objects.get(username="owner")
    district = User.objects.get(username="district")
    dashboard = reverse("insight:dashboard") + f"?plan={plan.pk}"
    effect = reverse("insight:effect") + f"?year={TRAINING_YEAR}&threshold=10"
    few = max(3, args.repeat // 6)
    t_store = store_city_effect(owner)

    change = lambda: _a_change(owner, plan)  # noqa: E731 - a step the table names
    years = reverse("insight:years")
    briefings = reverse("insight:briefings")
    public = reverse("public:plan", args=[plan.pk])
    figures = b'data-testid="section-training"'
    first = measure(owner, dashboard, before=_forget_kept, repeat=few, shows=b'data-testid="first-count"')
    first_district = measure(district, dashboard, before=_forget_kept, repeat=few, shows=b'data-testid="first-count"')
    _counted(owner, district, plan)
    results = [
        ("驾驶舱（市级，首次查看：在后台统计，页面显示进度）", first),
        ("驾驶舱（市级，记录无变化）", measure(owner, dashboard, repeat=args.repeat, shows=figures)),
        (
            "驾驶舱（市级，记录刚有变化：显示上次结果并在后台重新统计）",
            measure(owner, dashboard, before=change, repeat=args.repeat, shows=figures),
        ),
        ("驾驶舱（区县，首次查看）", first_district),
        ("驾驶舱（区县，记录无变化）", measure(district, dashboard, repeat=args.repeat, shows=figures)),
        (
            "驾驶舱（区县，记录刚有变化）",
            measure(district, dashboard, before=change, repeat=args.repeat, shows=figures),
        ),
        (
            "驾驶舱 1—6 月（市级，记录无变化）",
            measure(owner, dashboard + "&period=6", repeat=args.repeat, shows=figures),
        ),
        ("历年对比", measure(owner, years, repeat=args.repeat)),
        ("工作简报归档", measure(owner, briefings, repeat=args.repeat)),
        ("公开页面（无需登录，缓存清空）", measure(None, public, before=_clear_cache, repeat=few)),
        ("预防效果页（市级，已存结果，缓存清空）", measure(owner, effect, before=_clear_cache, repeat=few)),
        ("预防效果页（市级，已存结果）", measure(owner, effect, repeat=args.repeat)),
    ]
    recount_city = recount_seconds(owner, plan, few)
    recount_district = recount_seconds(district, plan, few)
    plain = plain_orm(owner, plan, few)

    print()
    print(
        f"数据：{Completion.objects.count():,} 条完成记录（{TRAINING_YEAR} 年 "
        f"{Completion.objects.filter(year=TRAINING_YEAR).count():,} 条），"
        f"{plan.enrolments.count():,} 名 {TRAINING_YEAR} 年线上学员（本次补充用时 {t_enrol:.1f} s），PostgreSQL"
    )
    print(f"预防效果：后台计算并保存市级默认口径 {t_store:.1f} s（页面只读已存结果）")
    print(
        f"后台重新统计（记录变化后，任务从开始到保存）：市级中位数 {statistics.median(recount_city):.2f} s，"
        f"区县 {statistics.median(recount_district):.2f} s"
    )
    for label, (p50, p95, db, q) in results:
        print(f"{label}：服务器时间中位数 {p50:.0f} ms，p95 {p95:.0f} ms；{q} 条查询，数据库 {db:.0f} ms")
    print(
        "直接 ORM 聚合（完成记录按区县、行业、岗位与方式 COUNT DISTINCT，线上报名，项目，异常线索）："
        f"{statistics.median(p[0] for p in plain):.0f} ms，{plain[0][2]} 条查询，数据库 {statistics.median(p[1] for p in plain):.0f} ms"
    )


if __name__ == "__main__":
    main()
