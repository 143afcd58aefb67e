"""The launch-morning burst of the knowledge quiz: 5,000 participants (already joined, as the
posters' QR codes let them the evening before) each draw a paper and submit it within 60 s, on
PostgreSQL with the production server set-up (granian, config.wsgi), against a plain Django view
on the same server (parse the body, one SELECT). Prints throughput, p50 and p99 of draw, of
submit and of the plain view; replays 5% of the submissions (they must answer with the first
result and change nothing); then recounts: every submitted paper scored exactly once, every
paper's score equal to grading its raw answers again, and every board equal to a recount from
the raw papers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yf_quiz .venv/bin/python bench/quiz_burst.py

The database named in DATABASE_URL is dropped and recreated. Options: --participants,
--connections, --workers, --threads."""

import argparse
import asyncio
import datetime
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yf_quiz")
os.environ["DJANGO_SETTINGS_MODULE"] = "quiz_burst_settings"

from heartbeat import recreate_database  # noqa: E402

PORT = 8918
RIGHT = "正确选项"


def prepare(n: int) -> tuple[int, list[str]]:
    """A published competition open now with a bank of 60 questions, and n participants spread
    over 50 enterprises. Returns the competition and the participants' keys."""
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from django.apps import apps

    from yufang.accounts.tests.factories import make_world
    from yufang.demo.credit_codes import demo_credit_code
    from yufang.enterprises import services as enterprise_services
    from yufang.learning.models import Question
    from yufang.publicity.defaults import load_default_kinds
    from yufang.publicity.tests.factories import publicity_project
    from yufang.quiz import services
    from yufang.reference.models import Industry, Region
    from yufang.targets.tests.factories import id_number

    load_default_kinds(apps)
    world = make_world()
    for category in ("政策", "安全"):
        for difficulty in (1, 2, 3):
            for i in range(10):
                Question.objects.create(
                    category=category,
                    kind="single",
                    stem=f"{category}{difficulty}-{i}",
                    options=[RIGHT, "错误选项一", "错误选项二", "错误选项三"],
                    answer="A",
                    difficulty=difficulty,
                )
    project = publicity_project(world, "a")
    now = timezone.now()
    competition = services.competition_create(
        project=project,
        data={
            "name": "压测竞答",
            "draw": [
                {"category": "政策", "difficulty": 1, "count": 4},
                {"category": "政策", "difficulty": 2, "count": 3},
                {"category": "安全", "difficulty": None, "count": 3},
            ],
            "time_limit_seconds": 600,
            "attempts_per_day": 1,
            "attempts_total": 3,
            "counting": "best",
            "reach_participants": 10,
            "min_seconds_per_question": 0,
        },
        rounds=[
            {
                "name": "第一轮",
                "opens_at": now - datetime.timedelta(minutes=5),
                "closes_at": now + datetime.timedelta(hours=3),
            }
        ],
        actor=world.users["provider_a"],
    )
    services.competition_transition(competition=competition, action="publish", actor=world.users["agency"])
    regions = list(Region.objects.filter(city=world.city).order_by("pk"))
    other = Industry.objects.get(code="other")
    enterprises = []
    for i in range(50):
        region = regions[i % len(regions)]
        profile = enterprise_services.enterprise_save(
            actor=world.users["agency"],
            org_data={
                "name": f"压测企业{i}",
                "credit_code": demo_credit_code(f"压测企业{i}"),
                "city": world.city,
                "region": region,
                "is_active": True,
            },
            data={"industry": other, "insured_headcount": 200},
        )
        enterprises.append(profile.organisation)
    rows = [
        {
            "name": f"压测{i}",
            "id_number": id_number(
                regions[i % len(regions)].code or "370303",
                datetime.date(1970, 1, 1) + datetime.timedelta(days=i % 15000),
                i,
            ),
            "phone": f"139{i:08d}",
            "credit_code": enterprises[i % 50].credit_code,
            "device": f"bench{i}",
        }
        for i in range(n)
    ]
    joined = services.participants_join_many(competition=competition, rows=rows, actor=world.users["agency"])
    return competition.pk, [p.key for p in joined]


async def _request(reader, writer, path: str, body: dict) -> tuple[int, dict, float]:
    data = json.dumps(body).encode()
    writer.write(
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        ).encode()
        + data
    )
    began = time.perf_counter()
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    payload = await reader.readexactly(length)
    elapsed = time.perf_counter() - began
    return int(head.split(b" ", 2)[1]), (json.loads(payload) if payload else {}), elapsed


async def _phase(connections: int, jobs: list, run) -> dict:
    """Runs `jobs` over `connections` keep-alive connections; `run(reader, writer, job)` returns
    (status, latency). Throughput is jobs answered 200 over the phase's wall time."""
    queue = list(reversed(jobs))
    latencies, errors = [], []

    async def worker():
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        while queue:
            job = queue.pop()
            status, latency = await run(reader, writer, job)
            if status == 200:
                latencies.append(latency)
            else:
                errors.append(status)
        writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    wall = time.perf_counter() - began
    latencies.sort()
    return {
        "n": len(latencies),
        "wall": wall,
        "rps": len(latencies) / wall if wall else 0,
        "p50": statistics.median(latencies) * 1000 if latencies else 0,
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000 if latencies else 0,
        "errors": len(errors),
    }


def burst(keys: list[str], connections: int) -> dict:
    papers: dict[str, dict] = {}
    results: dict[str, dict] = {}

    async def draw(reader, writer, key):
        status, body, latency = await _request(reader, writer, "/api/v1/quiz/papers", {"participant_key": key})
        if status == 200:
            papers[key] = body
        return status, latency

    def answers_of(paper, right: bool) -> dict:
        answers = {}
        for q in paper["questions"]:
            index = q["options"].index(RIGHT) if right else (q["options"].index(RIGHT) + 1) % len(q["options"])
            answers[str(q["id"])] = chr(ord("A") + index)
        return answers

    rng = random.Random(9)

    async def submit(reader, writer, key):
        paper = papers[key]
        status, body, latency = await _request(
            reader,
            writer,
            f"/api/v1/quiz/papers/{paper['token']}/submit",
            {"answers": answers_of(paper, rng.random() < 0.7)},
        )
        if status == 200:
            results[key] = body
        return status, latency

    async def replay(reader, writer, key):
        paper = papers[key]
        status, body, latency = await _request(
            reader, writer, f"/api/v1/quiz/papers/{paper['token']}/submit", {"answers": answers_of(paper, True)}
        )
        ok = status == 200 and body["replay"] and body["score"] == results[key]["score"]
        return (200 if ok else 409), latency

    async def plain(reader, writer, key):
        status, _, latency = await _request(reader, writer, "/bench/plain-quiz", {"participant_key": key})
        return status, latency

    async def run():
        out = {"plain": await _phase(connections, keys, plain)}
        out["draw"] = await _phase(connections, keys, draw)
        out["submit"] = await _phase(connections, [k for k in keys if k in papers], submit)
        replayed = [k for k in keys if k in results][::20]
        out["replay"] = await _phase(connections, replayed, replay)
        return out

    out = asyncio.run(run())
    out["papers"], out["results"] = papers, results
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL.")
    recreate_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    competition_id, keys = prepare(args.participants)

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "quiz_burst_settings", "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}"}
    command = [
        str(Path(sys.executable).parent / "granian"),
        "--interface", "wsgi", "config.wsgi:application", "--host", "127.0.0.1", "--port", str(PORT),
        "--workers", str(args.workers), "--blocking-threads", str(args.threads), "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("The server did not start.")
        load_before = os.getloadavg()
        out = burst(keys, args.connections)
        load_after = os.getloadavg()
        burst_seconds = out["draw"]["wall"] + out["submit"]["wall"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)

    from django.db.models import Sum

    from yufang.learning.models import Question
    from yufang.quiz.models import Competition, Paper, Participant
    from yufang.quiz.scoring import grade
    from yufang.quiz.selectors import boards_recount, district_board, enterprise_board, people_board

    competition = Competition.objects.get(pk=competition_id)
    submitted = Paper.objects.filter(participant__competition=competition, submitted_at__isnull=False)
    questions = Question.objects.in_bulk()
    regraded = 0
    for paper in submitted.iterator(chunk_size=2000):
        # Grading the stored (bank-letter) answers again: shown letters are the bank's through the order.
        shown = {
            str(i["q"]): "".join(
                chr(ord("A") + i["order"].index(ord(c) - ord("A"))) for c in paper.answers.get(str(i["q"]), "")
            )
            for i in paper.items
        }
        _, correct, score = grade(paper.items, shown, questions)
        regraded += int(score == paper.score and correct == paper.correct)
    n_submitted = submitted.count()
    counted_papers = Participant.objects.filter(competition=competition).aggregate(n=Sum("papers"))["n"] or 0
    answered_scores = sorted(r["score"] for r in out["results"].values())
    stored_scores = sorted(submitted.values_list("score", flat=True))
    people = people_board(competition, limit=0, masked=False)
    enterprises = enterprise_board(competition)
    districts = district_board(competition)
    checks = {
        "every answered draw is one paper": Paper.objects.filter(participant__competition=competition).count()
        == len(out["papers"]),
        "every submitted paper scored exactly once (papers counted == papers submitted == answers)": n_submitted
        == counted_papers
        == len(out["results"]),
        "replays answered with the first result": out["replay"]["errors"] == 0,
        "scores answered == scores stored": answered_scores == stored_scores,
        "every stored score == grading its raw answers again": regraded == n_submitted,
        "counted results == recount from the raw papers": boards_recount(competition) == [],
        "people board covers every scored participant": len(people) == n_submitted,
        "enterprise board participants == participants": sum(e.participants for e in enterprises) == len(keys),
        "district board participants == participants": sum(d.participants for d in districts) == len(keys),
        "enterprise averages == raw average": all(
            e.avg_score is None
            or abs(
                float(e.avg_score)
                - statistics.mean(
                    p.score
                    for p in Participant.objects.filter(competition=competition, enterprise_id=e.enterprise_id)
                    if p.score is not None
                )
            )
            < 0.06
            for e in enterprises
        ),
        "draw + submit within 60 s": burst_seconds <= 60,
    }
    print(
        f"PostgreSQL, granian {args.workers} workers x {args.threads} threads, {args.connections} connections, "
        f"{len(keys)} participants; draw and submit in {burst_seconds:.1f} s"
    )
    # Other work on the machine slows every figure here: the load average says how much.
    print(
        "load average (1, 5, 15 min) before the burst {:.2f} {:.2f} {:.2f}, after {:.2f} {:.2f} {:.2f}".format(
            *load_before, *load_after
        )
    )
    for name in ("plain", "draw", "submit", "replay"):
        r = out[name]
        label = {
            "plain": "plain Django view (parse + one SELECT)",
            "draw": "draw  /api/v1/quiz/papers",
            "submit": "submit /api/v1/quiz/papers/{t}/submit",
            "replay": "replayed submit (5%)",
        }[name]
        print(
            f"{label:<40}: {r['n']:6d} ok  {r['rps']:7.0f} req/s   p50 {r['p50']:.1f} ms   p99 {r['p99']:.1f} ms   errors {r['errors']}"
        )
    plain = out["plain"]["rps"] or 1
    print(
        f"ratio draw / plain {out['draw']['rps'] / plain:.2f}, submit / plain {out['submit']['rps'] / plain:.2f} "
        f"(target >= 1.6); p99 draw {out['draw']['p99']:.0f} ms, submit {out['submit']['p99']:.0f} ms (target <= 200)"
    )
    print(f"recount: {n_submitted} papers submitted, {counted_papers} counted, {regraded} regraded equal")
    for name, ok in checks.items():
        print(f"  {'OK  ' if ok else 'FAIL'} {name}")
    if not all(checks.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
