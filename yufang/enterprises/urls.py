from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_index, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("mine/", views.enterprise_mine, name="mine"),
    path("ranking/", views.enterprise_ranking, name="ranking"),
    path("import/", views.enterprise_import, name="import"),
    path("import/<int:job_id>/", views.import_review, name="import_review"),
    path("import/<int:job_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/mark/", views.enterprise_mark, name="mark"),
]
