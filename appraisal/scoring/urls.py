from django.urls import path

from . import audit_views, job_views, views

app_name = "scoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("nhat-ky/", audit_views.audit_page, name="audit"),
    path("viec/<int:pk>/", job_views.job_detail, name="job"),
    path("viec/<int:pk>/tai-ve/", job_views.job_download, name="job_download"),
    path("<int:year>/nen-tai-lieu/", job_views.evidence_zip_start, name="evidence_zip"),
    path("<int:year>/xuat/<slug:document>/", job_views.export_start, name="export"),
    path("nhat-ky/nhat-ky.csv", audit_views.audit_csv, name="audit_csv"),
    path("<int:year>/", views.period_results, name="period"),
    path("<int:year>/don-vi/<slug:code>/", views.unit_detail, name="unit_detail"),
    path("<int:year>/don-vi/<slug:code>/<slug:kind>.docx", views.download_unit_doc, name="unit_doc"),
    path(
        "<int:year>/don-vi/<slug:code>/<slug:kind>.pdf",
        views.download_unit_doc,
        {"fmt": "pdf"},
        name="unit_pdf",
    ),
    path("<int:year>/don-vi/<slug:code>/<slug:kind>/in/", views.unit_report, name="unit_report"),
    path("<int:year>/luu-lan-tinh/", views.period_snapshot, name="snapshot"),
    path("<int:year>/chot/", views.period_finalise, name="finalise"),
    path("<int:year>/mo-lai/", views.period_reopen, name="reopen"),
    path("<int:year>/phe-duyet/", views.period_approve, name="approve"),
    path("<int:year>/phu-luc.xlsx", views.download_annex, name="annex"),
    path("<int:year>/quyet-dinh.docx", views.download_decision, name="decision"),
    path("<int:year>/phu-luc.pdf", views.download_annex, {"fmt": "pdf"}, name="annex_pdf"),
    path("<int:year>/quyet-dinh.pdf", views.download_decision, {"fmt": "pdf"}, name="decision_pdf"),
    path("<int:year>/ket-qua.csv", views.download_csv, name="csv"),
    path("<int:year>/ket-qua-dau-phay.csv", views.download_csv_plain, name="csv_plain"),
    path("<int:year>/ket-qua-da-cong-bo/", views.published_results, name="published"),
    path("ket-qua-da-cong-bo/mau.xlsx", views.published_template, name="published_template"),
]
