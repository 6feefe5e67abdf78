from django.urls import path

from . import views, views_coding

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
    path("<int:pk>/coding/", views_coding.coding_page, name="coding"),
    path("<int:pk>/coding/file/", views_coding.coding_file, name="coding-file"),
    path(
        "<int:pk>/coding/search-file/", views_coding.coding_search_file, name="coding-search-file"
    ),
    path("<int:pk>/coding/rule-set/", views_coding.coding_rule_set, name="coding-rule-set"),
    path("<int:pk>/coding/sync/", views_coding.coding_sync, name="coding-sync"),
    path(
        "<int:pk>/coding/themes-from-sections/",
        views_coding.coding_themes_from_sections,
        name="coding-themes-from-sections",
    ),
    path("<int:pk>/coding/themes/add/", views_coding.coding_theme_add, name="coding-theme-add"),
    path("<int:pk>/consistency/", views_coding.consistency_page, name="consistency"),
    path(
        "<int:pk>/footnotes/<int:number>/",
        views_coding.footnote_evidence,
        name="footnote-evidence",
    ),
    path("sets/<int:pk>/", views_coding.set_detail, name="set-detail"),
    path("sets/<int:pk>/members/add/", views_coding.set_member_add, name="set-member-add"),
    path("sets/<int:pk>/theme/", views_coding.set_theme, name="set-theme"),
    path("sets/<int:pk>/sync/", views_coding.set_sync, name="set-sync"),
    path("members/<int:pk>/delete/", views_coding.member_delete, name="member-delete"),
    path("evidence/<int:pk>/delete/", views_coding.evidence_delete, name="evidence-delete"),
    path("builds/<int:pk>/status/", views.build_status, name="build-status"),
    path("builds/<int:pk>/download/<str:kind>/", views.build_download, name="build-download"),
]
