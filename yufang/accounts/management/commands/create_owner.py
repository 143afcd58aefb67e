import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from yufang.accounts.services import owner_bootstrap
from yufang.reference.models import City


class Command(BaseCommand):
    help = "为新部署创建第一个市人社局（项目主管）账号。"

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="城市行政区划代码，如 370300")
        parser.add_argument("--organisation", required=True, help="市人社局全称")
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", default="", help="姓名")

    def handle(self, *args, **options):
        try:
            city = City.objects.get(code=options["city"])
        except City.DoesNotExist:
            raise CommandError(f"未找到城市 {options['city']}：请先在基础数据中维护。") from None
        password = getpass.getpass("密码：")
        if password != getpass.getpass("再次输入密码："):
            raise CommandError("两次输入的密码不一致。")
        try:
            user = owner_bootstrap(
                city=city,
                organisation_name=options["organisation"],
                username=options["username"],
                password=password,
                display_name=options["name"],
            )
        except ValidationError as e:
            raise CommandError("；".join(e.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"已创建 {user}。"))
