"""The heartbeat endpoint under load, on PostgreSQL, against a plain Django view on the same
server that validates the same body and does one UPDATE. Serves the project with granian
(config.wsgi, as in production: the heartbeat's fast path included), drives 32 keep-alive
connections from an asyncio client on loopback, and prints requests/s, the ratio and p99
latency; then checks that every credited millisecond the server answered is in the evidence and
in the running totals exactly once, and that no session was credited more than the time that
passed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yufang_wt7 .venv/bin/python bench/heartbeat.py

The database named in DATABASE_URL is dropped and recreated. Needs nothing beyond
requirements.txt (granian is one of them). Options: --connections, --seconds, --workers,
--threads."""

import argparse
import asyncio
import datetime
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yufang_wt7")
os.environ["DJANGO_SETTINGS_MODULE"] = "heartbeat_settings"
PORT = 8917


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(n_learners: int) -> list[str]:
    """A year, one long reading lesson in everyone's curriculum, n learners each with an open
    session. Returns their tokens."""
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from yufang.accounts.tests.factories import make_world
    from yufang.learning import services
    from yufang.learning.models import Lesson
    from yufang.people.services import person_bulk_create
    from yufang.plans.tests.factories import make_plan
    from yufang.targets.tests.factories import id_number

    world = make_world()
    plan = make_plan(world, year=timezone.localdate().year)
    rule = services.study_rule_for(plan=plan)
    rule.beat_cap_seconds, rule.check_min_seconds, rule.check_max_seconds = 20, 10**6, 10**6
    rule.daily_cap_hours = Decimal("999")
    rule.save()
    course = services.course_save(actor=world.owner, data={"code": "bench", "title": "压测课程"})
    lesson = Lesson.objects.create(
        course=course, order=1, title="长文", kind="text", class_hours=Decimal(1), duration_seconds=86400, body="正文"
    )
    services.curriculum_set(actor=world.owner, plan=plan, course=course, kind="required")
    enterprise = world.orgs["enterprise_a"]
    people = person_bulk_create(
        actor=world.owner,
        rows=[
            {
                "id_number": id_number("370303", datetime.date(1980, 1, 1) + datetime.timedelta(days=i), i),
                "name": f"压测{i}",
                "enterprise": enterprise,
                "region": enterprise.region,
            }
            for i in range(n_learners)
        ],
    )
    tokens = []
    for person in people:
        user, _ = services._trainee_account(actor=world.owner, person=person, enterprise=enterprise, password=None)
        services.enrolment_create(actor=world.owner, person=person, plan=plan, enterprise=enterprise, channel="roster")
        _, token = services.session_start(user=user, lesson=lesson, device_id=str(person.pk), user_agent="bench")
        tokens.append(token)
    return tokens


async def drive(path: str, tokens: list[str], seconds: float, warmup: float) -> dict:
    """One keep-alive connection per token. Positions advance with real time, as a player's do."""
    latencies: list[float] = []
    credited = {"ms": 0, "ok": 0, "errors": 0}
    start_at = time.monotonic() + warmup
    stop_at = start_at + seconds

    async def connection(token: str) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        t0 = time.monotonic()
        seq = 0
        while True:
            now = time.monotonic()
            if now >= stop_at:
                break
            seq += 1
            body = json.dumps(
                {"seq": seq, "position": round(now - t0, 3), "rate": 1.0, "visible": True, "playing": True}
            ).encode()
            writer.write(
                (
                    f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    f"X-Learning-Token: {token}\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode()
                + body
            )
            began = time.perf_counter()
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            data = await reader.readexactly(length)
            elapsed = time.perf_counter() - began
            status = int(head.split(b" ", 2)[1])
            # Every answered beat counts for the totals check; the timing window is after warm-up.
            if status == 200:
                result = json.loads(data)
                credited["ms"] += result.get("credited_ms", 0)
                if now >= start_at:
                    credited["ok"] += 1
                    latencies.append(elapsed)
                credited.setdefault("answered", 0)
                credited["answered"] += 1
            else:
                credited["errors"] += 1
        writer.close()

    await asyncio.gather(*(connection(t) for t in tokens))
    latencies.sort()
    return {
        "rps": credited["ok"] / seconds,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0,
        "credited_ms": credited["ms"],
        "answered": credited.get("answered", 0),
        "errors": credited["errors"],
    }


def run_load(path, tokens, seconds, warmup) -> dict:
    return asyncio.run(drive(path, tokens, seconds, warmup))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL.")
    recreate_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    tokens = prepare(args.connections)

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "heartbeat_settings", "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}"}
    command = [
        str(Path(sys.executable).parent / "granian"),
        "--interface",
        "wsgi",
        "config.wsgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(PORT),
        "--workers",
        str(args.workers),
        "--blocking-threads",
        str(args.threads),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("The server did not start.")
        began = time.time()
        plain = run_load("/bench/plain-beat", tokens, args.seconds, args.warmup)
        beat = run_load("/api/v1/learning/beat", tokens, args.seconds, args.warmup)
        wall_ms = int((time.time() - began) * 1000)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)

    from django.db.models import Count, Sum

    from yufang.learning.models import Enrolment, LessonProgress, StudyInterval

    evidence = StudyInterval.objects.aggregate(n=Count("pk"), ms=Sum("credited_ms"))
    totals = Enrolment.objects.aggregate(ms=Sum("credited_ms"))["ms"] or 0
    progress = LessonProgress.objects.aggregate(ms=Sum("credited_ms"))["ms"] or 0
    per_session_max = (
        StudyInterval.objects.values("session_id").annotate(ms=Sum("credited_ms")).order_by("-ms").first() or {}
    ).get("ms", 0)

    print(
        f"PostgreSQL, granian {args.workers} workers x {args.threads} threads, {args.connections} connections, {args.seconds:.0f} s each"
    )
    print(
        f"plain Django view (validate + one UPDATE): {plain['rps']:8.0f} req/s   p50 {plain['p50_ms']:.1f} ms   p99 {plain['p99_ms']:.1f} ms   errors {plain['errors']}"
    )
    print(
        f"heartbeat                                : {beat['rps']:8.0f} req/s   p50 {beat['p50_ms']:.1f} ms   p99 {beat['p99_ms']:.1f} ms   errors {beat['errors']}"
    )
    ratio = beat["rps"] / plain["rps"] if plain["rps"] else 0
    print(f"ratio heartbeat / plain: {ratio:.2f} (target >= 1.6); heartbeat p99 {beat['p99_ms']:.1f} ms (target <= 50)")
    checks = {
        "every answered beat left one evidence row": evidence["n"] == beat["answered"],
        "credited ms answered == evidence": beat["credited_ms"] == (evidence["ms"] or 0),
        "evidence == enrolment totals": (evidence["ms"] or 0) == totals,
        "evidence == lesson progress": (evidence["ms"] or 0) == progress,
        "no session credited more than the time that passed": per_session_max <= wall_ms,
    }
    print(
        f"credited: {beat['credited_ms'] / 1000:.1f} s answered, {(evidence['ms'] or 0) / 1000:.1f} s in {evidence['n']} evidence rows, "
        f"{totals / 1000:.1f} s in enrolment totals, {progress / 1000:.1f} s in lesson progress; "
        f"busiest session {per_session_max / 1000:.1f} s of {wall_ms / 1000:.1f} s"
    )
    for name, ok in checks.items():
        print(f"  {'OK  ' if ok else 'FAIL'} {name}")
    if not all(checks.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
