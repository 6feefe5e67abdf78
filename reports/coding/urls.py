"""Pages of coding (names in the ``reports`` namespace, see ``reports/urls.py``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<id:pk>/coding/", views.coding_page, name="coding"),
    path("<id:pk>/coding/file/", views.coding_file, name="coding-file"),
    path("<id:pk>/coding/search-file/", views.coding_search_file, name="coding-search-file"),
    path("<id:pk>/coding/rule-set/", views.coding_rule_set, name="coding-rule-set"),
    path("<id:pk>/coding/sync/", views.coding_sync, name="coding-sync"),
    path(
        "<id:pk>/coding/themes-from-sections/",
        views.coding_themes_from_sections,
        name="coding-themes-from-sections",
    ),
    path("<id:pk>/coding/themes/add/", views.coding_theme_add, name="coding-theme-add"),
    path("<id:pk>/consistency/", views.consistency_page, name="consistency"),
    path(
        "<id:pk>/footnotes/<id:number>/",
        views.footnote_evidence,
        name="footnote-evidence",
    ),
    path("sets/<id:pk>/", views.set_detail, name="set-detail"),
    path("sets/<id:pk>/members/add/", views.set_member_add, name="set-member-add"),
    path("sets/<id:pk>/theme/", views.set_theme, name="set-theme"),
    path("sets/<id:pk>/sync/", views.set_sync, name="set-sync"),
    path("sets/<id:pk>/source/", views.set_source, name="set-source"),
    path("members/<id:pk>/delete/", views.member_delete, name="member-delete"),
    path("evidence/<id:pk>/delete/", views.evidence_delete, name="evidence-delete"),
]
