from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.index, name="index"),
    path("don-vi/<slug:code>/", views.open_unit, name="open"),
    path("<int:year>/danh-sach/", views.index, name="index_year"),
    path("<int:year>/don-vi/<slug:code>/", views.open_unit, name="open_year"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/phieu/", views.form_page, name="form"),
    path("<int:pk>/in/", views.print_view, name="print"),
    path("<int:pk>/muc/<int:entry_pk>/", views.entry_detail, name="entry"),
    path("<int:pk>/muc/<int:entry_pk>/luu/", views.entry_save, name="entry_save"),
    path("<int:pk>/muc/<int:entry_pk>/tai-lieu/", views.entry_evidence, name="entry_evidence"),
    path("<int:pk>/muc/<int:entry_pk>/tai-lieu/tai-len/", views.entry_upload, name="entry_upload"),
    path("<int:pk>/muc/<int:entry_pk>/tai-lieu/van-ban/", views.entry_cite, name="entry_cite"),
    path("<int:pk>/muc/<int:entry_pk>/tai-lieu/gan/", views.entry_attach, name="entry_attach"),
    path("<int:pk>/muc/<int:entry_pk>/tai-lieu/<int:link_pk>/go/", views.entry_detach, name="entry_detach"),
    path("<int:pk>/thu-vien/", views.library, name="library"),
    path("<int:pk>/thu-vien/them/", views.library_add, name="library_add"),
    path("<int:pk>/thu-vien/<int:evidence_pk>/thay-tep/", views.evidence_replace, name="evidence_replace"),
    path("tai-lieu/<int:pk>/tai-ve/", views.evidence_download, name="evidence_download"),
    path(
        "tai-lieu/<int:evidence_pk>/phien-ban/<int:version_pk>/tai-ve/",
        views.evidence_version_download,
        name="evidence_version_download",
    ),
    path("<int:pk>/chot/", views.submit, name="submit"),
    path("<int:pk>/rut-lai/", views.withdraw, name="withdraw"),
    path("<int:pk>/tra-lai/", views.return_view, name="return"),
    path("<int:pk>/gia-han/", views.extend, name="extend"),
    path("<int:pk>/khong-nop/", views.close_not_submitted, name="close_not_submitted"),
    path("<int:pk>/excel/", views.excel_download, name="excel"),
    path("<int:pk>/excel/tai-len/", views.excel_upload, name="excel_upload"),
]
