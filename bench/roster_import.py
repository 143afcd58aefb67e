"""Roster import at scale: a 100,000-row .xlsx roster, imported in full (read, validate,
deduplicate, match known people, write people and roster rows) against the bare ceiling measured
in the same run on the same file: python-calamine reading it plus a PostgreSQL COPY of its rows.
Each side runs in its own process, whose peak memory (ru_maxrss) is reported.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yufang_bench .venv/bin/python bench/roster_import.py

The database named in DATABASE_URL is dropped and recreated. Options: --rows, --known."""

import argparse
import datetime
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yufang_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
_FILES = tempfile.mkdtemp(prefix="yufang_bench_")
os.environ.setdefault("YUFANG_MEDIA_ROOT", os.path.join(_FILES, "media"))
os.environ.setdefault("YUFANG_PRIVATE_ROOT", os.path.join(_FILES, "private"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- The file ------------------------------------------------------------------------------------


def make_file(path: str, rows: int, seed: int = 6) -> dict:
    """A messy real-looking roster: title rows above the header, full-width characters and stray
    spaces, about 1% bad ID numbers (wrong check digit, stored as numbers), 0.5% repeated people.
    A real-name roster: every row names its employer (registered name, and its credit code in 90%
    of rows), its position and its industry (reference names or same-meaning words)."""
    from openpyxl import Workbook
    from stdnum.cn import ric

    from yufang.demo.credit_codes import demo_credit_code

    rng = random.Random(seed)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚"
    regions = ["370302", "370303", "370304", "370305", "370306", "370321", "370322", "370323"]
    positions = ["一线班组长", "班组长", "安全管理部门负责人", "分管负责人", "其他从业人员", "职工"]
    enterprises = ["测试企业a", "测试企业b"]
    industries = ["危险化学品", "危化", "建筑施工", "机械"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["2023年度淄博市危险化学品企业工伤预防能力提升培训花名册"])
    ws.append(["培训机构：（盖章）", None, None, None, "培训日期：2023年9月12日"])
    ws.append(["序号", "姓 名", "身份证号码", "联系电话", "工作单位", "岗位", "行业", "统一社会信用代码"])
    issued, bad, dup = [], 0, 0
    for i in range(rows):
        if issued and rng.random() < 0.005:
            ws.append([i + 1, *issued[rng.randrange(len(issued))]])
            dup += 1
            continue
        # Working-age people, and now and then a retiree (the age flag's case).
        birth = datetime.date(1950 if rng.random() < 0.002 else 1969, 1, 1) + datetime.timedelta(
            days=rng.randint(0, 12000)
        )
        first17 = f"{rng.choice(regions)}{birth:%Y%m%d}{i % 1000:03d}"
        number = first17 + ric.calc_check_digit(first17 + "0")
        name = rng.choice(surnames) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.6 else "")
        r = rng.random()
        if r < 0.005:
            number = number[:17] + ("0" if number[17] != "0" else "1")
            bad += 1
        elif r < 0.01:
            number = float(number[:15] + "000")
            bad += 1
        elif r < 0.05:
            number = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)  # full-width digits
        if rng.random() < 0.05:
            name = f" {name[0]}\u3000{name[1:]} "
        enterprise = rng.choice(enterprises)
        row = [
            name,
            number,
            f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
            enterprise,
            rng.choice(positions),
            rng.choice(industries),
            demo_credit_code(enterprise) if rng.random() < 0.9 else "",
        ]
        issued.append(row)
        ws.append([i + 1, *row])
    wb.save(path)
    return {"bad": bad, "duplicates": dup}


# --- The two sides, each run in a child process -----------------------------------------------------


def child_ceiling(path: str) -> dict:
    """The bare ceiling: calamine reads the sheet, COPY writes its rows as they are."""
    import psycopg
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    with open(path, "rb") as f:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(f.read())).get_sheet_by_index(0)
    rows = 0
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        # A plain logged table, as durable as what the import writes; no indexes, no checks.
        conn.execute("DROP TABLE IF EXISTS bench_ceiling")
        conn.execute("CREATE TABLE bench_ceiling (a text, b text, c text, d text, e text, f text, g text, h text)")
        with conn.cursor() as cur, cur.copy("COPY bench_ceiling FROM STDIN") as copy:
            for row in sheet.iter_rows():
                copy.write_row([None if v == "" else str(v) for v in (row + [""] * 8)[:8]])
                rows += 1
        conn.commit()
    return {"seconds": time.perf_counter() - start, "rows": rows, "peak_mb": peak_mb()}


def child_import(path: str, session_id: int, user_id: int) -> dict:
    """The import as users run it: the check job on the uploaded file, then the apply job the
    confirmation starts (which checks the file again as the data stands now and writes its valid
    rows in one transaction), both through the job runner with their progress written."""
    import django

    django.setup()
    from django.core.files import File

    from yufang.accounts.models import User
    from yufang.core.jobs import run_job
    from yufang.core.models import Job, JobStatus
    from yufang.training.models import RosterEntry

    actor = User.objects.get(pk=user_id)
    name = Path(path).name
    check = Job.objects.create(
        kind="training.roster_check",
        title="校验花名册",
        created_by=actor,
        params={"session_id": session_id, "filename": name},
    )
    with open(path, "rb") as f:
        check.file.save(name, File(f), save=True)
    start = time.perf_counter()
    run_job.call(check.pk)
    checked_at = time.perf_counter()
    check.refresh_from_db()
    assert check.status == JobStatus.SUCCEEDED, check.result
    apply = Job.objects.create(
        kind="training.roster_apply", title="导入花名册", created_by=actor, params={"check_job_id": check.pk}
    )
    run_job.call(apply.pk)
    end = time.perf_counter()
    apply.refresh_from_db()
    assert apply.status == JobStatus.SUCCEEDED, apply.result
    counts = apply.result
    assert RosterEntry.objects.filter(session_id=session_id).count() == counts["added"]
    assert check.done == check.total == apply.done == counts["rows"]  # progress reached the end
    return {
        "seconds": end - checked_at,
        "check_seconds": checked_at - start,
        "rows": counts["rows"],
        "counts": counts,
        "peak_mb": peak_mb(),
    }


def run_child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- Setting up and reporting ---------------------------------------------------------------------


def setup(known: int, path: str) -> tuple[int, int]:
    """A project in progress with one session; `known` people of the file already on file."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.core.exceptions import ValidationError
    from python_calamine import CalamineWorkbook

    from yufang.accounts.tests.factories import make_world
    from yufang.people.idnumbers import check
    from yufang.people.services import person_bulk_create
    from yufang.training.tests.factories import make_session

    world = make_world()
    session = make_session(world, capacity=100_000)
    sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    rows, seen = [], set()
    for cells in sheet.iter_rows():
        if len(rows) >= known:
            break
        try:
            number = check(cells[2]).number
        except ValidationError:
            continue
        if number not in seen:
            seen.add(number)
            rows.append({"id_number": number, "name": "".join(cells[1].split())})
    for start in range(0, len(rows), 5000):
        person_bulk_create(actor=world.owner, rows=rows[start : start + 5000])
    return session.pk, world.users["provider_a"].pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--known", type=int, default=10_000, help="people of the file already on the platform")
    parser.add_argument("--child", nargs="*")
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = child_ceiling(rest[0]) if kind == "ceiling" else child_import(rest[0], int(rest[1]), int(rest[2]))
        print(json.dumps(result))
        return

    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL.")
    recreate_database(os.environ["DATABASE_URL"])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "花名册.xlsx")
        t = time.perf_counter()
        made = make_file(path, args.rows)
        print(
            f"生成 {args.rows} 行花名册：{os.path.getsize(path) / 1e6:.1f} MB，用时 {time.perf_counter() - t:.1f} 秒"
            f"（其中错误身份证号 {made['bad']} 行、重复人员 {made['duplicates']} 行）"
        )
        session_id, user_id = setup(args.known, path)
        ceilings = [run_child("ceiling", path) for _ in range(2)]
        full = run_child("import", path, str(session_id), str(user_id))
    ceiling = min(ceilings, key=lambda r: r["seconds"])
    ceiling_rate = ceiling["rows"] / ceiling["seconds"]
    full_rate = full["rows"] / full["seconds"]
    ratio = full_rate / ceiling_rate
    print(
        f"天花板（calamine 读取 + COPY 原样写入）：{ceiling['seconds']:.2f} 秒，{ceiling_rate:,.0f} 行/秒，峰值内存 {ceiling['peak_mb']:.0f} MB"
    )
    print(
        f"校验任务（含进度）：{full['check_seconds']:.2f} 秒；确认导入任务（再次校验、去重、匹配、写入，含进度）："
        f"{full['seconds']:.2f} 秒，{full_rate:,.0f} 行/秒，峰值内存 {full['peak_mb']:.0f} MB"
    )
    print(f"导入结果：{full['counts']}")
    print(f"速度比（完整导入 ÷ 天花板）：{ratio:.2f}（要求 ≥ 0.5）；峰值内存 {full['peak_mb']:.0f} MB（要求 ≤ 300 MB）")
    ok = ratio >= 0.5 and full["peak_mb"] <= 300
    print("结论：" + ("达标" if ok else "未达标"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
