import datetime

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from yufang.demo import learning, orgs, plans, projects, providers, training, training_sessions
from yufang.demo.clock import demo_clock
from yufang.demo.orgs import LOGINS
from yufang.reference.loading import load_reference
from yufang.targets.figures import figures_recount


class Command(BaseCommand):
    help = "载入演示数据（2023 年淄博市工伤预防实施方案、各类机构与每个角色的登录账号、服务机构与服务协议）。可重复执行，不会重复创建。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="生成人员数量的比例（默认 1，即约 1.2 万人；测试用 0.02）"
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            # The reference data migration's rows, again if a test flush removed them.
            load_reference(apps)
            # Each step is audited at its date in the demo's year (demo_clock), not today.
            with demo_clock(datetime.date(2023, 8, 10)):
                users = orgs.load(self.stdout)
                plan = plans.load(users["owner"])
            with demo_clock(datetime.date(2023, 9, 12)):
                providers.load(users, plan)
            # The programme, the targets and the historic imports (原系统记录).
            with demo_clock(datetime.date(2023, 9, 14)):
                training.load(users["owner"], plan, scale=options["scale"])
            # The training projects are opened first, so their sessions are held (September to
            # December 2023) before any of their reports is written from the platform's records.
            with demo_clock(datetime.date(2023, 9, 15)):
                projects.open_training(users, plan)
            training_sessions.load(users, plan, scale=options["scale"])
            with demo_clock(datetime.date(2023, 9, 15)):
                projects.load(users, plan)
            with demo_clock(datetime.date(2023, 9, 20)):
                learning.load(users, plan)
        # Every figure recounted from the raw records: the demo must have no difference.
        differences = figures_recount()
        if differences:
            raise CommandError("演示数据的数字与原始记录不一致：\n" + "\n".join(str(d) for d in differences[:20]))
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。演示账号（密码均为 {settings.YUFANG_DEMO_PASSWORD}）："))
        for username, display, org_name, role in LOGINS:
            self.stdout.write(f"  {username:<12} {role.label:<16} {display} · {org_name}")
