from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "yufang.learning"
    label = "learning"
    verbose_name = "云享培训（线上学习）"

    def ready(self) -> None:
        from yufang.core.registry import NavItem, add_nav

        from . import enrolment, jobs, scoping  # noqa: F401 - registers scoping rules and job handlers
        from .permissions import can_manage_catalogue, can_view_learners, is_learner

        add_nav(NavItem("我的学习", "learning:home", is_learner, order=5))
        add_nav(NavItem("线上学员", "learning:learners", lambda u: can_view_learners(u)[0], order=40))
        add_nav(NavItem("线上课程", "learning:courses", lambda u: can_manage_catalogue(u)[0], order=41))
