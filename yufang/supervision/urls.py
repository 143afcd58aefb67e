from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.inspection_index, name="list"),
    path("new/", views.inspection_create, name="create"),
    path("today/", views.on_site, name="on_site"),
    path("today/<int:pk>/start/", views.on_site_start, name="on_site_start"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/transition/", views.inspection_transition, name="transition"),
    path("<int:pk>/answers/", views.inspection_answers, name="answers"),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("<int:pk>/count/", views.head_count, name="head_count"),
    path("<int:pk>/roster-check/", views.roster_check, name="roster_check"),
    path("<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("photos/<int:pk>/", views.photo_file, name="photo"),
    path("findings/", views.finding_index, name="findings"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/transition/", views.finding_transition, name="finding_transition"),
    path("findings/<int:pk>/file/", views.finding_file, name="finding_file"),
    path("findings/<int:pk>/propose/", views.finding_propose, name="finding_propose"),
    path("findings/<int:pk>/deduct/", views.finding_deduct, name="finding_deduct"),
    path("findings/<int:pk>/debar/", views.finding_debar, name="finding_debar"),
    path("checklists/", views.checklist_index, name="checklists"),
    path("coverage/", views.coverage, name="coverage"),
    path("callbacks/", views.callback_index, name="callbacks"),
    path("callbacks/<int:pk>/", views.callback_detail, name="callback"),
    path("callbacks/entries/<int:pk>/", views.callback_record, name="callback_record"),
]
