"""Applying a year's online enrolment list: 6,000 learners (the seed's online target), each a new
person who gets an account and an enrolment, through the real jobs (the check, then the apply
job the confirmation starts, which checks the file again, writes people, accounts and enrolments,
and makes the credential sheet), progress included. Prints the seconds of each.

    .venv/bin/python bench/enrolment_apply.py                      # SQLite (a fresh file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yf_bench .venv/bin/python bench/enrolment_apply.py

The PostgreSQL database named in DATABASE_URL is dropped and recreated. Option: --rows."""

import argparse
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_FILES = tempfile.mkdtemp(prefix="yufang_bench_")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_FILES}/bench.sqlite3")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("YUFANG_MEDIA_ROOT", os.path.join(_FILES, "media"))
os.environ.setdefault("YUFANG_PRIVATE_ROOT", os.path.join(_FILES, "private"))

sys.path.insert(0, str(ROOT / "bench"))
from roster_import import recreate_database  # noqa: E402


def make_file(path: str, rows: int, enterprise: str) -> None:
    from openpyxl import Workbook
    from stdnum.cn import ric

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报名名单")
    ws.append(["线上培训报名名单"])
    ws.append(["序号", "姓名", "身份证号", "手机号", "工作单位", "行业", "岗位"])
    for i in range(rows):
        birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=i % 9000)
        first17 = f"370303{birth:%Y%m%d}{i // 9000:03d}"
        number = first17 + ric.calc_check_digit(first17 + "0")
        name = f"学员{chr(0x4E00 + i % 300)}{chr(0x4E00 + i // 300 % 300)}"
        ws.append([i + 1, name, number, f"139{i:08d}", enterprise, "危险化学品", "一线作业人员"])
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=6000)
    args = parser.parse_args()
    if os.environ["DATABASE_URL"].startswith("postgres"):
        recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from yufang.accounts.tests.factories import make_world
    from yufang.core.jobs import run_job
    from yufang.core.models import Job, JobStatus
    from yufang.learning.enrolment import enrolment_apply_start
    from yufang.learning.models import Enrolment
    from yufang.plans.tests.factories import make_plan

    world = make_world()
    plan = make_plan(world, year=timezone.localdate().year)
    actor = world.users["enterprise_a"]
    path = os.path.join(_FILES, "报名名单.xlsx")
    make_file(path, args.rows, world.orgs["enterprise_a"].name)
    check = Job.objects.create(
        kind="learning.roster_check",
        title="校验线上培训报名名单",
        created_by=actor,
        params={"plan_id": plan.pk, "filename": "报名名单.xlsx", "enterprise_id": actor.organisation_id},
    )
    with open(path, "rb") as f:
        check.file.save("报名名单.xlsx", File(f), save=True)
    start = time.perf_counter()
    run_job.call(check.pk)
    checked = time.perf_counter()
    check.refresh_from_db()
    assert check.status == JobStatus.SUCCEEDED and check.result["valid"] == args.rows, check.result
    apply = enrolment_apply_start(actor=actor, check_job=check)
    cpu = time.process_time()
    run_job.call(apply.pk)
    end, cpu = time.perf_counter(), time.process_time() - cpu
    apply.refresh_from_db()
    assert apply.status == JobStatus.SUCCEEDED, apply.result
    assert apply.result["enrolled"] == apply.result["accounts"] == args.rows, apply.result
    assert apply.done == apply.total == args.rows and apply.output  # progress to the end; the sheet made
    assert Enrolment.objects.filter(plan=plan).count() == args.rows
    from django.db import connection

    print(
        json.dumps(
            {
                "database": connection.vendor,
                "rows": args.rows,
                "check_seconds": round(checked - start, 2),
                "apply_seconds": round(end - checked, 2),
                # The machine is shared: the CPU seconds of this process say what the wall clock
                # would be on an idle core (the database's own work runs in this process on SQLite).
                "apply_cpu_seconds": round(cpu, 2),
                "load_average": os.getloadavg()[0],
                "target_apply_seconds": 15,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
