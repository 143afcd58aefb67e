from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.session_index, name="session_list"),
    path("calendar/", views.session_calendar, name="calendar"),
    path("projects/<int:project_pk>/", views.project_training, name="project"),
    path("projects/<int:project_pk>/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/board/", views.session_board, name="session_board"),
    path("sessions/<int:pk>/transition/", views.session_transition, name="session_transition"),
    path("sessions/<int:pk>/roster/", views.roster_upload, name="roster_upload"),
    path("sessions/<int:pk>/roster.xlsx", views.roster_export, name="roster_export"),
    path("sessions/<int:pk>/attendance.xlsx", views.attendance_export, name="attendance_export"),
    path("sessions/<int:pk>/screen/", views.venue_screen, name="screen"),
    path("sessions/<int:pk>/mark/", views.attendance_mark, name="mark"),
    path("roster/<int:job_id>/", views.roster_review, name="roster_review"),
    path("roster/<int:job_id>/confirm/", views.roster_confirm, name="roster_confirm"),
    path("roster/<int:job_id>/errors.xlsx", views.roster_errors, name="roster_errors"),
    path("s/<str:token>/", views.scan, name="scan"),
    path("code/", views.code_sign, name="code"),
    path("flags/", views.flag_index, name="flag_list"),
    path("flags/decide/", views.flag_decide, name="flag_decide"),
    path("flags/<int:pk>/", views.flag_detail, name="flag_detail"),
    path("flags/<int:pk>/transition/", views.flag_transition, name="flag_transition"),
]
