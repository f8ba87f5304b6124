"""Council URLs. Object routes name their object by kind (entry_pk, assessment_pk, …): the conflict-of-interest
test walks every pattern of this namespace and fills these kwargs with another unit's objects."""

from django.urls import path

from . import views

app_name = "council"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.dashboard, name="dashboard"),
    path("<int:year>/hang-doi/", views.queue, name="queue"),
    path("<int:year>/vong-2/", views.queue_round2, name="queue_round2"),
    path("<int:year>/khoi-luong/", views.workload, name="workload"),
    path("<int:year>/thanh-phan/", views.council_setup, name="setup"),
    path("<int:year>/thanh-phan/<int:role_pk>/go/", views.council_role_remove, name="setup_remove"),
    path("<int:year>/phan-cong/", views.assignments, name="assignments"),
    path("<int:year>/phan-cong/<int:assignment_pk>/xoa/", views.assignment_remove, name="assignment_remove"),
    path("<int:year>/dieu-tra/", views.survey, name="survey"),
    path("<int:year>/dieu-tra/mau-dieu-tra-xhh.xlsx", views.survey_template, name="survey_template"),
    path("<int:year>/hop-thu-di/", views.outbox, name="outbox"),
    path("<int:year>/nhat-ky/", views.period_audit, name="period_audit"),
    path("<int:year>/chuyen-giai-doan/", views.period_advance, name="period_advance"),
    path("dieu-tra/<int:import_pk>/tep/", views.survey_download, name="survey_download"),
    path("hop-thu-di/<int:message_pk>/", views.outbox_detail, name="outbox_detail"),
    path("muc/<int:entry_pk>/", views.entry_detail, name="entry"),
    path("muc/<int:entry_pk>/vong-1/", views.entry_round1, name="entry_round1"),
    path("muc/<int:entry_pk>/vong-2/", views.entry_round2, name="entry_round2"),
    path("muc/<int:entry_pk>/lich-su/", views.entry_history, name="entry_history"),
    path("muc/<int:entry_pk>/giai-trinh/", views.explanation_save, name="explanation_save"),
    path("muc/<int:entry_pk>/giai-trinh/tai-lieu/", views.explanation_upload, name="explanation_upload"),
    path("don-vi/<int:assessment_pk>/", views.assessment_layers, name="layers"),
    path("don-vi/<int:assessment_pk>/tham-dinh/", views.appraise, name="appraise"),
    path("don-vi/<int:assessment_pk>/tham-dinh-vong-2/", views.appraise_round2, name="appraise_round2"),
    path(
        "don-vi/<int:assessment_pk>/tham-dinh/chap-nhan-con-lai/",
        views.appraise_accept_remaining,
        name="appraise_accept_remaining",
    ),
    path("don-vi/<int:assessment_pk>/chot-vong-1/", views.assessment_mark_appraised, name="mark_appraised"),
    path("don-vi/<int:assessment_pk>/chot/", views.assessment_finalise, name="finalise"),
    path("don-vi/<int:assessment_pk>/mo-lai/", views.assessment_reopen, name="reopen"),
    path("don-vi/<int:assessment_pk>/nhat-ky/", views.assessment_audit, name="assessment_audit"),
    path("don-vi/<int:assessment_pk>/thong-bao/", views.notice, name="notice"),
    path("don-vi/<int:assessment_pk>/thong-bao/in/", views.notice_print, name="notice_print"),
    path("don-vi/<int:assessment_pk>/thong-bao/tai-ve/", views.notice_download, name="notice_download"),
    path(
        "don-vi/<int:assessment_pk>/thong-bao/tai-ve/pdf/",
        views.notice_download,
        {"fmt": "pdf"},
        name="notice_pdf",
    ),
    path("don-vi/<int:assessment_pk>/giai-trinh/", views.explanation, name="explanation"),
    path("don-vi/<int:assessment_pk>/giai-trinh/gui/", views.explanation_submit, name="explanation_submit"),
]
