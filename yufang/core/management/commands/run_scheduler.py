import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from yufang.core.scheduler import scheduled_tasks, scheduler_tick


class Command(BaseCommand):
    help = "定时任务调度：每隔一段时间检查到期的定时任务（如每月 1 日的工作简报），每个周期只发起一次。与任务工作进程（db_worker）一同运行。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="检查间隔（秒），默认 60")
        parser.add_argument("--once", action="store_true", help="只检查一次后退出")

    def handle(self, *args, **options):
        self._stop = False
        signal.signal(signal.SIGTERM, self._on_signal)
        names = "、".join(t.name for t in scheduled_tasks()) or "无"
        self.stdout.write(f"定时任务调度已启动（间隔 {options['interval']} 秒；任务：{names}）")
        while not self._stop:
            close_old_connections()
            for run in scheduler_tick():
                self.stdout.write(f"已发起：{run.task} {run.period}")
            self.stdout.flush()
            if options["once"]:
                break
            for _ in range(options["interval"]):
                if self._stop:
                    break
                time.sleep(1)
        close_old_connections()

    def _on_signal(self, signum, frame):
        self._stop = True
