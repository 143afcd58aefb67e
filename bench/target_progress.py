"""Target progress at programme scale: 200,000 people and 1,000,000 completion records on
PostgreSQL. Prints the database time of the progress page's reads (maintained rollups) against a
plain ORM aggregate over the completions, and checks that the rollups equal a raw recount.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yufang_bench .venv/bin/python bench/target_progress.py

The database named in DATABASE_URL is dropped and recreated. Options: --people, --completions,
--repeat."""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yufang_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


class QueryTimer:
    """Sums the wall time of every query the database runs (an execute_wrapper)."""

    def __init__(self):
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--completions", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL.")
    recreate_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    call_command("migrate", verbosity=0)
    call_command("load_demo", scale=0.0001, stdout=open(os.devnull, "w"))

    from django.contrib.contenttypes.models import ContentType
    from stdnum.cn import ric

    from yufang.accounts.models import Organisation, User
    from yufang.people.idnumbers import id_hash
    from yufang.plans.models import Plan
    from yufang.reference.models import Industry, Position
    from yufang.targets import counting, services
    from yufang.targets.figures import figures_recount
    from yufang.targets.models import Completion, LegacyBatch, Target
    from yufang.targets.selectors import plan_progress, target_breakdown

    owner = User.objects.get(username="owner")
    plan = Plan.objects.get(year=2023)
    enterprises = list(Organisation.objects.filter(kind="enterprise").select_related("region"))
    industries = list(Industry.objects.values_list("pk", flat=True))
    positions = list(Position.objects.values_list("pk", flat=True))
    rng = random.Random(1)

    # --- People, by COPY --------------------------------------------------------------------
    t0 = time.perf_counter()
    people = []  # (enterprise id, region id, industry id, position id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM people_person")
        first_id = cursor.fetchone()[0] + 1
        raw = cursor.connection
        columns = "id, created_at, updated_at, id_number, id_hash, name, sex, birth_date, phone, enterprise_id, region_id, industry_id, position_id"
        now = datetime.datetime.now(datetime.UTC)
        with raw.cursor().copy(f"COPY people_person ({columns}) FROM STDIN") as copy:
            for i in range(args.people):
                e = rng.choice(enterprises)
                birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randint(0, 13000))
                first17 = f"{e.region.code or '370303'}{birth:%Y%m%d}{i % 1000:03d}"
                number = first17 + ric.calc_check_digit(first17 + "0")
                row = (e.pk, e.region_id, rng.choice(industries), rng.choice(positions))
                people.append(row)
                copy.write_row(
                    (
                        first_id + i,
                        now,
                        now,
                        number,
                        id_hash(f"{number}{i}"),
                        f"人员{i}",
                        "M" if i % 2 else "F",
                        birth,
                        "",
                        *row,
                    )
                )
        cursor.execute("SELECT setval(pg_get_serial_sequence('people_person', 'id'), %s)", [first_id + args.people])
    t_people = time.perf_counter() - t0

    # --- Completions, by COPY ---------------------------------------------------------------
    t0 = time.perf_counter()
    # Generated data written by COPY (a benchmark's data, not a record of the platform's work):
    # historic batches, as the historic import would label them.
    batches = [
        LegacyBatch.objects.create(name=f"压测批次{i}", year=2022 + i % 2, source_document="压测生成数据")
        for i in range(200)
    ]
    batch_type = ContentType.objects.get_for_model(LegacyBatch).pk
    modes = ["offline", "online", "practical"]
    with connection.cursor() as cursor:
        raw = cursor.connection
        columns = "person_id, year, mode, completed_on, industry_id, position_id, enterprise_id, region_id, hours, historic, source_type_id, source_id, source_repr, recorded_at"
        now = datetime.datetime.now(datetime.UTC)
        seen = set()
        with raw.cursor().copy(f"COPY targets_completion ({columns}) FROM STDIN") as copy:
            written = 0
            while written < args.completions:
                index = rng.randrange(args.people)
                batch = rng.choice(batches)
                if (index, batch.pk) in seen:
                    continue
                seen.add((index, batch.pk))
                enterprise_id, region_id, industry_id, position_id = people[index]
                day = datetime.date(batch.year, rng.randint(1, 12), rng.randint(1, 28))
                copy.write_row(
                    (
                        first_id + index,
                        batch.year,
                        rng.choice(modes),
                        day,
                        industry_id,
                        position_id,
                        enterprise_id,
                        region_id,
                        rng.choice((4, 8, 12)),
                        True,
                        batch_type,
                        str(batch.pk),
                        batch.name,
                        now,
                    )
                )
                written += 1
        cursor.execute("ANALYZE")
    t_completions = time.perf_counter() - t0

    # --- Rollups, exact, for every target of the plan ----------------------------------------
    t0 = time.perf_counter()
    targets = list(Target.objects.filter(plan=plan).select_related("plan", "programme"))
    for target in targets:
        services.target_recount(target=target)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    t_rollups = time.perf_counter() - t0

    # Exactness at scale: each persons figure against a raw COUNT(DISTINCT person); every figure
    # (the programme share's hours rule included) by the recount anyone can run.
    exact = True
    for target in targets:
        target.refresh_from_db()
        if target.metric == "persons":
            criteria = counting.Criteria.of(target)
            raw_count = Completion.objects.filter(criteria.q()).aggregate(n=Count("person", distinct=True))["n"]
            exact &= raw_count == target.achieved
            print(f"  {target.name}: {target.achieved} 人（原始记录去重计数 {raw_count}）")
        else:
            print(f"  {target.name}: {target.achieved} 人达到工程学时规则")
    t0 = time.perf_counter()
    differences = figures_recount()
    t_recount = time.perf_counter() - t0
    for d in differences[:20]:
        print(f"  差异：{d}")

    # --- The page's reads ---------------------------------------------------------------------
    def page_reads():
        rows = plan_progress(user=owner, plan=plan)
        for r in rows:
            r.figure, r.projection  # noqa: B018 - what the page shows
        target_breakdown(user=owner, target=rows[0].target)

    def plain_aggregate():
        # What a straightforward implementation does: count distinct people per target and
        # group the first target's completions by district, industry, position and month.
        for target in targets:
            q = counting.Criteria.of(target).q()
            Completion.objects.filter(q).aggregate(n=Count("person", distinct=True))
        q = counting.Criteria.of(targets[0]).q()
        for field in ("region", "industry", "position"):
            list(Completion.objects.filter(q).values(field).annotate(n=Count("person", distinct=True)))
        list(Completion.objects.filter(q).values("completed_on__month").annotate(n=Count("person", distinct=True)))

    owner = User.objects.get(pk=owner.pk)
    owner.scope  # noqa: B018 - roles are read once per request, as on a page

    def measure(fn, repeat):
        fn()  # warm
        db_ms, counts = [], []
        for _ in range(repeat):
            timer = QueryTimer()
            with connection.execute_wrapper(timer):
                fn()
            db_ms.append(timer.seconds * 1000)
            counts.append(timer.count)
        return statistics.median(db_ms), max(counts)

    page_ms, page_queries = measure(page_reads, args.repeat)
    plain_ms, plain_queries = measure(plain_aggregate, max(3, args.repeat // 10))

    print()
    print(f"数据：{args.people:,} 人，{args.completions:,} 条完成记录（PostgreSQL）")
    print(f"生成：人员 {t_people:.1f} s，完成记录 {t_completions:.1f} s，精确汇总重建 {t_rollups:.1f} s")
    print(f"目标进度页读取：{page_queries} 条查询，数据库时间中位数 {page_ms:.2f} ms")
    print(f"直接聚合（ORM COUNT DISTINCT）：{plain_queries} 条查询，数据库时间中位数 {plain_ms:.1f} ms")
    print(f"加速比：{plain_ms / page_ms:.0f} 倍；汇总与原始记录重新计数{'完全一致' if exact else '不一致！'}")
    print(f"figures_recount：全部目标与报告数字从原始记录重算 {t_recount:.1f} s，差异 {len(differences)} 处")
    if not exact or differences:
        sys.exit(1)


if __name__ == "__main__":
    main()
