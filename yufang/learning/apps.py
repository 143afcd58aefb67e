from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "yufang.learning"
    label = "learning"
    verbose_name = "云享培训（线上学习）"

    def ready(self) -> None:
        from yufang.core.registry import NavGroup, NavItem, Panel, add_nav, add_panel, add_todos

        from . import enrolment, jobs, scoping  # noqa: F401 - registers scoping rules and job handlers
        from .permissions import can_manage_catalogue, can_view_learners, is_learner
        from .selectors import enterprise_home_panel, trainee_home_panel
        from .todos import registration_todos

        add_nav(NavItem("我的学习", "learning:home", is_learner, order=5))
        add_nav(
            NavItem(
                "线上学员", "learning:learners", lambda u: can_view_learners(u)[0], group=NavGroup.TRAINING, order=53
            )
        )
        add_nav(
            NavItem(
                "线上课程", "learning:courses", lambda u: can_manage_catalogue(u)[0], group=NavGroup.TRAINING, order=54
            )
        )
        add_nav(
            NavItem(
                "个人注册",
                "learning:registrations",
                lambda u: u.has_role("enterprise_contact", "agency_staff"),
                group=NavGroup.TRAINING,
                order=55,
            )
        )
        add_panel(Panel("learning/_home_trainee.html", trainee_home_panel, order=1))
        add_panel(Panel("learning/_home_enterprise.html", enterprise_home_panel, order=1))

        add_todos(registration_todos)
