from django.urls import path

from .coding import views as views_coding
from .editor import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("new/", views.report_create, name="report-create"),
    path("<id:pk>/", views.report_edit, name="report-edit"),
    path("<id:pk>/masthead/", views.report_masthead, name="report-masthead"),
    path("<id:pk>/preview/", views.report_preview, name="report-preview"),
    path("<id:pk>/sections/add/", views.section_add, name="section-add"),
    path("<id:pk>/builds/", views.build_list, name="build-list"),
    path("sections/<id:pk>/update/", views.section_update, name="section-update"),
    path("sections/<id:pk>/move/", views.section_move, name="section-move"),
    path("sections/<id:pk>/delete/", views.section_delete, name="section-delete"),
    path("sections/<id:pk>/paragraphs/add/", views.paragraph_add, name="paragraph-add"),
    path("paragraphs/<id:pk>/save/", views.paragraph_save, name="paragraph-save"),
    path("paragraphs/<id:pk>/move/", views.paragraph_move, name="paragraph-move"),
    path("paragraphs/<id:pk>/delete/", views.paragraph_delete, name="paragraph-delete"),
    path("<id:pk>/coding/", views_coding.coding_page, name="coding"),
    path("<id:pk>/coding/file/", views_coding.coding_file, name="coding-file"),
    path("<id:pk>/coding/search-file/", views_coding.coding_search_file, name="coding-search-file"),
    path("<id:pk>/coding/rule-set/", views_coding.coding_rule_set, name="coding-rule-set"),
    path("<id:pk>/coding/sync/", views_coding.coding_sync, name="coding-sync"),
    path(
        "<id:pk>/coding/themes-from-sections/",
        views_coding.coding_themes_from_sections,
        name="coding-themes-from-sections",
    ),
    path("<id:pk>/coding/themes/add/", views_coding.coding_theme_add, name="coding-theme-add"),
    path("<id:pk>/consistency/", views_coding.consistency_page, name="consistency"),
    path(
        "<id:pk>/footnotes/<id:number>/",
        views_coding.footnote_evidence,
        name="footnote-evidence",
    ),
    path("sets/<id:pk>/", views_coding.set_detail, name="set-detail"),
    path("sets/<id:pk>/members/add/", views_coding.set_member_add, name="set-member-add"),
    path("sets/<id:pk>/theme/", views_coding.set_theme, name="set-theme"),
    path("sets/<id:pk>/sync/", views_coding.set_sync, name="set-sync"),
    path("members/<id:pk>/delete/", views_coding.member_delete, name="member-delete"),
    path("evidence/<id:pk>/delete/", views_coding.evidence_delete, name="evidence-delete"),
    path("builds/<id:pk>/status/", views.build_status, name="build-status"),
    path("builds/<id:pk>/download/<str:kind>/", views.build_download, name="build-download"),
]
