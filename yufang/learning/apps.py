from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "yufang.learning"
    label = "learning"
    verbose_name = "云享培训（线上学习）"

    def ready(self) -> None:
        from django.urls import reverse

        from yufang.core.registry import NavItem, Todo, add_nav, add_todos

        from . import enrolment, jobs, scoping  # noqa: F401 - registers scoping rules and job handlers
        from .permissions import can_manage_catalogue, can_view_learners, is_learner

        add_nav(NavItem("我的学习", "learning:home", is_learner, order=5))
        add_nav(NavItem("线上学员", "learning:learners", lambda u: can_view_learners(u)[0], order=40))
        add_nav(NavItem("线上课程", "learning:courses", lambda u: can_manage_catalogue(u)[0], order=41))
        add_nav(
            NavItem(
                "个人注册",
                "learning:registrations",
                lambda u: u.has_role("enterprise_contact", "agency_staff"),
                order=42,
            )
        )

        def registration_todos(user):
            if not user.has_role("enterprise_contact", "agency_staff"):
                return []
            from yufang.core.scoping import scoped

            from .models import Registration

            count = scoped(user, Registration).filter(status="pending").count()
            if not count:
                return []
            return [Todo("个人注册待确认", reverse("learning:registrations") + "?status=pending", count=count)]

        add_todos(registration_todos)
