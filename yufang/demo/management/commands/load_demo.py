import datetime
import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from yufang.demo import (
    briefings,
    learning,
    online,
    orgs,
    plans,
    projects,
    providers,
    statistics,
    supervision,
    training,
    training_sessions,
)
from yufang.demo.clock import demo_clock
from yufang.demo.orgs import LOGINS
from yufang.publicity.defaults import load_default_kinds
from yufang.reference.loading import load_reference
from yufang.targets.figures import figures_recount

STEPS = 10


class Command(BaseCommand):
    help = "载入演示数据（2023 年淄博市工伤预防实施方案、各类机构与每个角色的登录账号、服务机构与服务协议）。可重复执行，不会重复创建。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="生成人员数量的比例（默认 1，即约 1.2 万人；测试用 0.02）"
        )

    def step(self, number: int, text: str) -> None:
        """One progress line per part, so a first run that takes minutes is never silent."""
        elapsed = time.monotonic() - self.started
        self.stdout.write(f"[{number}/{STEPS}] {text}（已用 {elapsed:.0f} 秒）")
        self.stdout.flush()

    def handle(self, *args, **options):
        self.started = time.monotonic()
        scale = options["scale"]
        with transaction.atomic():
            # The reference data migrations' rows (publicity's deliverable kinds too), again if a
            # test flush removed them.
            self.step(1, "基础数据、机构与演示账号")
            load_reference(apps)
            load_default_kinds(apps)
            # Each step is audited at its date in the demo's year (demo_clock), not today.
            with demo_clock(datetime.date(2023, 8, 10)):
                users = orgs.load(self.stdout)
                self.step(2, "年度实施方案与预算")
                plan = plans.load(users["owner"])
            self.step(3, "服务机构与服务协议")
            with demo_clock(datetime.date(2023, 9, 12)):
                providers.load(users, plan)
            # The programme, the targets and the historic imports (原系统记录).
            self.step(4, f"培训项目、目标与原系统记录导入（约 {int(5000 * scale):,} 人，首次较慢）")
            with demo_clock(datetime.date(2023, 9, 14)):
                training.load(users["owner"], plan, scale=scale)
            # The training projects are opened first, so their sessions are held (September to
            # December 2023) before any of their reports is written from the platform's records.
            with demo_clock(datetime.date(2023, 9, 15)):
                projects.open_training(users, plan)
            self.step(5, "线下培训场次、花名册与签到")
            training_sessions.load(users, plan, scale=scale)
            # The head-count targets divided among the districts, now that the enterprises'
            # insured headcounts (what the proposal divides by) are registered.
            with demo_clock(datetime.date(2023, 9, 16)):
                training.divide_targets(users["owner"], plan)
            self.step(6, "工伤预防项目、宣传成果、报告与付款、“进百企”知识竞答")
            with demo_clock(datetime.date(2023, 9, 15)):
                projects.load(users, plan, scale=scale)
            self.step(7, f"线上课程、报名、学时、考试与证书（约 {int(2800 * scale):,} 名学员）")
            with demo_clock(datetime.date(2023, 9, 20)):
                learning.load(users, plan)
            # The platform's learners of September to December: enrolment lists, credited study,
            # exam sessions and certificates, each at its own date.
            online.load(users, plan, scale=scale)
            # Supervision: inspections, findings, a deduction from one, a call-back and a revocation.
            supervision.load(users, plan)
            # The statistics of the years after the training year (imported when each year
            # closed, in 2024 and 2025), and comparable enterprises the training did not reach:
            # what the prevention-effect page compares.
            self.step(8, "企业工伤统计：未参训的可比企业与 2023、2024 年度统计")
            statistics.load(users["agency"])
            # The monthly briefings the scheduler made on the first day of each month, and the
            # prevention effect computed from the statistics.
            self.step(9, "每月工作简报与预防效果计算")
            briefings.load(users)
        # Every figure recounted from the raw records: the demo must have no difference.
        self.step(10, "核对全部数字")
        differences = figures_recount()
        if differences:
            raise CommandError("演示数据的数字与原始记录不一致：\n" + "\n".join(str(d) for d in differences[:20]))
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。演示账号（密码均为 {settings.YUFANG_DEMO_PASSWORD}）："))
        for username, display, org_name, role in LOGINS:
            self.stdout.write(f"  {username:<12} {role.label:<16} {display} · {org_name}")
