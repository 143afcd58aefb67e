from django.urls import path

from . import enrolment_views, views

app_name = "learning"

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("register/enterprises/", views.register_enterprises, name="register_enterprises"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration"),
    path("registrations/<int:pk>/transition/", views.registration_transition, name="registration_transition"),
    path("lessons/<int:pk>/", views.lesson_player, name="lesson"),
    path("lessons/<int:pk>/media", views.lesson_media, name="media"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("courses/<int:course_id>/exam/", views.exam, name="exam"),
    path("certificates/<int:pk>/pdf", views.certificate_download, name="certificate_pdf"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify, name="verify_code"),
    path("learners/", views.learners, name="learners"),
    path("learners/<int:pk>/", views.enrolment_detail, name="enrolment"),
    path("roster/", views.roster_upload, name="roster"),
    path("questions/", views.questions_upload, name="questions"),
    path("imports/<int:job_id>/", views.import_review, name="import_review"),
    path("imports/<int:job_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:job_id>/errors.xlsx", views.import_errors, name="import_errors"),
    path("enrolments/<int:job_id>/", enrolment_views.enrolment_result, name="enrolment_result"),
    path("enrolments/<int:job_id>/credentials.xlsx", enrolment_views.credentials_download, name="credentials"),
    path("patterns/", views.patterns, name="patterns"),
    path("statistics/", views.statistics, name="statistics"),
    path("courses/", views.courses, name="courses"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:pk>/", views.course_detail, name="course"),
    path("plans/<int:plan_id>/study-settings/", views.study_rule_edit, name="study_rule"),
]
