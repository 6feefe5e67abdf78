from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("new/", views.report_create, name="report-create"),
    path("<int:pk>/", views.report_edit, name="report-edit"),
    path("<int:pk>/masthead/", views.report_masthead, name="report-masthead"),
    path("<int:pk>/preview/", views.report_preview, name="report-preview"),
    path("<int:pk>/sections/add/", views.section_add, name="section-add"),
    path("<int:pk>/builds/", views.build_list, name="build-list"),
    path("sections/<int:pk>/update/", views.section_update, name="section-update"),
    path("sections/<int:pk>/move/", views.section_move, name="section-move"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section-delete"),
    path("sections/<int:pk>/paragraphs/add/", views.paragraph_add, name="paragraph-add"),
    path("paragraphs/<int:pk>/save/", views.paragraph_save, name="paragraph-save"),
    path("paragraphs/<int:pk>/move/", views.paragraph_move, name="paragraph-move"),
    path("paragraphs/<int:pk>/delete/", views.paragraph_delete, name="paragraph-delete"),
    path("builds/<int:pk>/status/", views.build_status, name="build-status"),
    path("builds/<int:pk>/download/<str:kind>/", views.build_download, name="build-download"),
]
