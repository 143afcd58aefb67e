import sys
import time

from django.core.management.base import BaseCommand

from yufang.targets.figures import figures_recount


class Command(BaseCommand):
    help = "从原始记录重新统计每个目标的数字和每份已提交报告的平台记录数，逐条列出差异；有差异时以非零状态退出。不写入任何数据。"

    def handle(self, *args, **options):
        start = time.perf_counter()
        differences = figures_recount()
        for d in differences:
            self.stdout.write(f"差异：{d}")
        seconds = time.perf_counter() - start
        if differences:
            self.stderr.write(self.style.ERROR(f"共 {len(differences)} 处差异（用时 {seconds:.1f} 秒）。"))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(f"全部数字与原始记录一致，无差异（用时 {seconds:.1f} 秒）。"))
