from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from yufang.demo import learning, orgs, plans, projects, providers, training, training_sessions
from yufang.demo.orgs import LOGINS
from yufang.reference.loading import load_reference


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
            users = orgs.load(self.stdout)
            plan = plans.load(users["owner"])
            providers.load(users, plan)
            training.load(users["owner"], plan, scale=options["scale"])
            # After training: the projects' reports prefill from its completions.
            projects.load(users, plan)
            # After projects: the sessions reuse the training projects the project demo opened.
            training_sessions.load(users, plan, scale=options["scale"])
            learning.load(users, plan)
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。演示账号（密码均为 {settings.YUFANG_DEMO_PASSWORD}）："))
        for username, display, org_name, role in LOGINS:
            self.stdout.write(f"  {username:<12} {role.label:<16} {display} · {org_name}")
