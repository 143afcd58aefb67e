"""The prevention-effect page at programme scale: 20,000 enterprises with five years of
work-injury statistics, 200,000 people and 1,000,000 completions on PostgreSQL. Prints the page's
server time (the whole request through Django's test client) with its cache cleared and not (the
page reads the result the background refresh stored; the refresh's own time is printed too),
its queries and database time, against the plain ORM aggregates over the same records; and the
estimate, which must recover the effect planted in the generated statistics.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yufang_bench .venv/bin/python bench/effect.py

The database named in DATABASE_URL is dropped and recreated. Options: --enterprises, --people,
--completions, --effect, --repeat; --reuse measures again on the database a previous run made."""

import argparse
import datetime
import math
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yufang_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"

from target_progress import QueryTimer, recreate_database  # noqa: E402

YEARS = (2020, 2021, 2022, 2023, 2024)
TRAINING_YEAR = 2023
THRESHOLD = Decimal(10)


def copy_rows(connection, model, rows, columns) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def next_id(connection, model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")
        return cursor.fetchone()[0]


def reset_sequence(connection, model) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--completions", type=int, default=1_000_000)
    parser.add_argument("--effect", type=float, default=1.5, help="planted fall in cases per 1,000 insured")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the pages on the database a previous run made, as it is"
    )
    args = parser.parse_args()

    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL.")
    if not args.reuse:
        recreate_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from stdnum.cn import ric

    from yufang.accounts.models import Organisation, User
    from yufang.core.jobs import run_job
    from yufang.core.models import Job
    from yufang.demo.credit_codes import demo_credit_code
    from yufang.enterprises.models import EnterpriseProfile, InjuryStatistic
    from yufang.insight.effect_store import EFFECT_REFRESH, stored_effect
    from yufang.insight.selectors import effect_orm_baseline, prevention_effect
    from yufang.insight.synthetic import poisson
    from yufang.people.idnumbers import id_hash
    from yufang.people.models import Person
    from yufang.reference.models import City, Industry, Position, Region
    from yufang.targets.models import Completion, LegacyBatch

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    t_enterprises = t_people = t_completions = t_stats = t_refresh = 0.0
    planted, job = 0, None
    if not args.reuse:
        call_command("migrate", verbosity=0)
        call_command("load_demo", scale=0.0001, stdout=open(os.devnull, "w"))
        rng = random.Random(1)
        now = datetime.datetime.now(datetime.UTC)
        city = City.objects.get(code="370300")
        regions = list(Region.objects.filter(city=city))
        industries = list(Industry.objects.values_list("pk", flat=True))
        positions = list(Position.objects.values_list("pk", flat=True))

        # --- Enterprises and their profiles, by COPY ------------------------------------------------
        t0 = time.perf_counter()
        first_org = next_id(connection, Organisation)
        enterprises = []  # (id, region, industry, insured, risk)
        org_rows, profile_rows = [], []
        first_profile = next_id(connection, EnterpriseProfile)
        for i in range(args.enterprises):
            region = rng.choice(regions)
            name = f"压测企业{i:05d}有限公司"
            insured = int(math.exp(rng.uniform(math.log(30), math.log(2500))))
            industry = rng.choice(industries)
            enterprises.append((first_org + i, region, industry, insured, rng.uniform(1.0, 9.0)))
            org_rows.append(
                (
                    first_org + i,
                    now,
                    now,
                    "enterprise",
                    name,
                    "",
                    demo_credit_code(name, region_code=region.code or "370300"),
                    city.pk,
                    region.pk,
                    "",
                    "",
                    "",
                    True,
                )
            )
            profile_rows.append((first_profile + i, now, now, first_org + i, industry, "", "", "", insured, "", ""))
        copy_rows(
            connection,
            Organisation,
            org_rows,
            [
                "id",
                "created_at",
                "updated_at",
                "kind",
                "name",
                "short_name",
                "credit_code",
                "city_id",
                "region_id",
                "address",
                "contact_name",
                "contact_phone",
                "is_active",
            ],
        )
        copy_rows(
            connection,
            EnterpriseProfile,
            profile_rows,
            [
                "id",
                "created_at",
                "updated_at",
                "organisation_id",
                "industry_id",
                "industry_code",
                "licence_type",
                "licence_number",
                "insured_headcount",
                "contact_name",
                "contact_phone",
            ],
        )
        reset_sequence(connection, Organisation)
        reset_sequence(connection, EnterpriseProfile)
        t_enterprises = time.perf_counter() - t0

        # --- People in 60% of the enterprises (the others are the untrained), by COPY ---------------
        t0 = time.perf_counter()
        reached = enterprises[: int(len(enterprises) * 0.6)]
        first_person = next_id(connection, Person)
        people = []  # enterprise index in `reached`

        def person_rows():
            for i in range(args.people):
                e = rng.randrange(len(reached))
                people.append(e)
                eid, region, industry, _, _ = reached[e]
                birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randint(0, 13000))
                first17 = f"{region.code or '370303'}{birth:%Y%m%d}{i % 1000:03d}"
                number = first17 + ric.calc_check_digit(first17 + "0")
                yield (
                    first_person + i,
                    now,
                    now,
                    number,
                    id_hash(f"{number}{i}"),
                    f"人员{i}",
                    "M" if i % 2 else "F",
                    birth,
                    "",
                    eid,
                    region.pk,
                    industry,
                    rng.choice(positions),
                )

        copy_rows(
            connection,
            Person,
            person_rows(),
            [
                "id",
                "created_at",
                "updated_at",
                "id_number",
                "id_hash",
                "name",
                "sex",
                "birth_date",
                "phone",
                "enterprise_id",
                "region_id",
                "industry_id",
                "position_id",
            ],
        )
        reset_sequence(connection, Person)
        t_people = time.perf_counter() - t0

        # --- Completions over the five years, by COPY ------------------------------------------------
        t0 = time.perf_counter()
        batches = [
            LegacyBatch.objects.create(name=f"压测批次{i}", year=YEARS[i % len(YEARS)], source_document="压测生成数据")
            for i in range(250)
        ]
        batch_type = ContentType.objects.get_for_model(LegacyBatch).pk
        trained: dict[int, set[int]] = {}
        seen = set()

        def completion_rows():
            written = 0
            while written < args.completions:
                index = rng.randrange(args.people)
                batch = rng.choice(batches)
                if (index, batch.pk) in seen:
                    continue
                seen.add((index, batch.pk))
                eid, region, industry, _, _ = reached[people[index]]
                if batch.year == TRAINING_YEAR:
                    trained.setdefault(eid, set()).add(index)
                day = datetime.date(batch.year, rng.randint(1, 12), rng.randint(1, 28))
                written += 1
                yield (
                    first_person + index,
                    batch.year,
                    rng.choice(("offline", "online", "practical")),
                    day,
                    industry,
                    None,
                    eid,
                    region.pk,
                    4,
                    True,
                    batch_type,
                    str(batch.pk),
                    batch.name,
                    now,
                )

        copy_rows(
            connection,
            Completion,
            completion_rows(),
            [
                "person_id",
                "year",
                "mode",
                "completed_on",
                "industry_id",
                "position_id",
                "enterprise_id",
                "region_id",
                "hours",
                "historic",
                "source_type_id",
                "source_id",
                "source_repr",
                "recorded_at",
            ],
        )
        t_completions = time.perf_counter() - t0

        # --- Five years of statistics, the effect planted after the training year -------------------
        t0 = time.perf_counter()
        planted = 0
        first_stat = next_id(connection, InjuryStatistic)

        def stat_rows():
            nonlocal planted
            n = 0
            for eid, _, _, insured, risk in enterprises:
                headcounts = {y: max(20, round(insured * rng.uniform(0.95, 1.05))) for y in YEARS}
                share = Decimal(len(trained.get(eid, ()))) * 100 / headcounts[TRAINING_YEAR]
                is_trained = share.quantize(Decimal("0.1")) >= THRESHOLD
                planted += is_trained
                for year in YEARS:
                    r = max(0.0, risk - args.effect) if is_trained and year > TRAINING_YEAR else risk
                    headcount = headcounts[year]
                    cases = poisson(rng, headcount * r / 1000)
                    premiums = Decimal(round(headcount * rng.uniform(1100, 1400), 2)).quantize(Decimal("0.01"))
                    benefits = Decimal(round(sum(rng.uniform(15000, 45000) for _ in range(cases)), 2)).quantize(
                        Decimal("0.01")
                    )
                    yield (first_stat + n, now, now, eid, year, cases, 0, headcount, premiums, benefits)
                    n += 1

        copy_rows(
            connection,
            InjuryStatistic,
            stat_rows(),
            [
                "id",
                "created_at",
                "updated_at",
                "enterprise_id",
                "year",
                "accident_cases",
                "disease_cases",
                "insured_headcount",
                "premiums_paid",
                "benefits_paid",
            ],
        )
        reset_sequence(connection, InjuryStatistic)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        t_stats = time.perf_counter() - t0

        # --- The background refresh: every scope and stored choice -----------------------------------
        owner = User.objects.get(username="owner")
        t0 = time.perf_counter()
        job = Job.objects.create(kind=EFFECT_REFRESH, title="压测：重新计算预防效果", created_by=owner)
        run_job.call(job.pk)
        job.refresh_from_db()
        assert job.status == "succeeded", job.result
        t_refresh = time.perf_counter() - t0

    owner = User.objects.get(username="owner")

    # --- The page, its cache cleared (cold) and not; the plain ORM aggregates -------------------
    url = reverse("insight:effect") + f"?year={TRAINING_YEAR}&threshold={THRESHOLD}"

    def page(user, clear: bool, repeat: int):
        client = Client()
        client.force_login(user)
        client.get(url)  # warm: imports, templates, the cache
        wall, db, queries = [], [], []
        for _ in range(repeat):
            if clear:
                cache.clear()
            timer = QueryTimer()
            start = time.perf_counter()
            with connection.execute_wrapper(timer):
                response = client.get(url)
            wall.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
            db.append(timer.seconds * 1000)
            queries.append(timer.count)
        return statistics.median(wall), percentile(wall, 0.95), statistics.median(db), max(queries)

    district = User.objects.get(username="district")
    cold = page(owner, True, max(3, args.repeat // 6))
    warm = page(owner, False, args.repeat)
    district_cold = page(district, True, max(3, args.repeat // 6))
    district_warm = page(district, False, args.repeat)

    plain = []
    for _ in range(max(3, args.repeat // 6)):
        timer = QueryTimer()
        start = time.perf_counter()
        with connection.execute_wrapper(timer):
            effect_orm_baseline(user=owner, year=TRAINING_YEAR)
        plain.append(((time.perf_counter() - start) * 1000, timer.seconds * 1000, timer.count))

    # What the refresh does for one choice: the selector (its reads and the bootstrap); the
    # stored result must equal it.
    start = time.perf_counter()
    effect = prevention_effect(user=owner, year=TRAINING_YEAR, threshold=THRESHOLD)
    t_select = (time.perf_counter() - start) * 1000
    stored = stored_effect(user=owner, year=TRAINING_YEAR, threshold=THRESHOLD, exclude_key=False)
    assert stored.result == effect.result and stored.counts == effect.counts, "stored result differs"
    overall = effect.result.overall

    print()
    print(
        f"数据：{args.enterprises:,} 家企业 × {len(YEARS)} 年工伤统计，{args.people:,} 人，{args.completions:,} 条完成记录（PostgreSQL）"
    )
    print(
        f"生成：企业 {t_enterprises:.1f} s，人员 {t_people:.1f} s，完成记录 {t_completions:.1f} s，工伤统计 {t_stats:.1f} s；"
        f"{TRAINING_YEAR} 年受训占比 ≥ {THRESHOLD}% 的企业 {planted:,} 家，其后一年风险降低 {args.effect}‰"
    )
    print(
        f"比较：受训 {effect.counts['trained']:,} 家，对照 {effect.counts['control']:,} 家，部分受训 {effect.counts['partial']:,} 家；"
        f"计入 {overall.trained:,} + {overall.control:,} 家"
    )
    print(
        f"估计：工伤发生率差异中的差异 {overall.rate.estimate:.2f}‰（95% 区间 {overall.rate.low:.2f} ～ {overall.rate.high:.2f}），"
        f"预设 −{args.effect}‰；赔付率 {overall.loss.estimate:.1f} 个百分点"
    )
    for label, (p50, p95, db, q) in (
        ("预防效果页（市级，缓存清空）", cold),
        ("预防效果页（市级，缓存）", warm),
        ("预防效果页（区县，缓存清空）", district_cold),
        ("预防效果页（区县，缓存）", district_warm),
    ):
        print(f"{label}：服务器时间中位数 {p50:.0f} ms，p95 {p95:.0f} ms；{q} 条查询，数据库 {db:.0f} ms")
    print(
        f"直接 ORM 聚合（分行业分年 SUM + 分企业 COUNT DISTINCT）：{statistics.median(p[0] for p in plain):.0f} ms，"
        f"{plain[0][2]} 条查询，数据库 {statistics.median(p[1] for p in plain):.0f} ms"
    )
    if job is not None:
        print(f"后台重新计算（{job.total} 个范围与选项，全市与各区县）{t_refresh:.1f} s")
    print("已保存的结果与重新计算的结果一致")
    print(f"其中单个选项的选择器（读取 + 自助法 {effect.result.replicates} 次）{t_select:.0f} ms")


if __name__ == "__main__":
    main()
