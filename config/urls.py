from django.contrib import admin
from django.urls import include, path

from yufang.core.views import healthz

from .api import api

admin.site.site_header = "工伤预防管理平台 · 系统管理"
admin.site.site_title = "系统管理"
# The admin is for superusers only; officials work in the platform's own pages.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("yufang.accounts.urls")),
    path("reference/", include("yufang.reference.urls")),
    path("plans/", include("yufang.plans.urls")),
    path("targets/", include("yufang.targets.urls")),
    path("providers/", include("yufang.providers.urls")),
    path("projects/", include("yufang.projects.urls")),
    path("learning/", include("yufang.learning.urls")),
    path("enterprises/", include("yufang.enterprises.urls")),
    path("training/", include("yufang.training.urls")),
    path("publicity/", include("yufang.publicity.urls")),
    path("supervision/", include("yufang.supervision.urls")),
    path("people/", include("yufang.people.urls")),
    path("quiz/", include("yufang.quiz.urls")),
    path("insight/", include("yufang.insight.urls")),
    path("public/", include("yufang.insight.public_urls")),
    path("", include("yufang.core.urls")),
]
# No route serves MEDIA_ROOT, not even under DEBUG: every upload goes through a view that checks
# the user's right to its record (yufang/core/files.py).
