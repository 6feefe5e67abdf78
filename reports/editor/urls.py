"""Pages of the report editor (names in the ``reports`` namespace, see ``reports/urls.py``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("new/", views.report_create, name="report-create"),
    path("markup/", views.markup_help, name="markup-help"),
    path("<id:pk>/", views.report_edit, name="report-edit"),
    path("<id:pk>/masthead/", views.report_masthead, name="report-masthead"),
    path("<id:pk>/preview/", views.report_preview, name="report-preview"),
    path("<id:pk>/sections/add/", views.section_add, name="section-add"),
    path("<id:pk>/annex-notes/", views.annex_note_save, name="annex-note-save"),
    path("sections/<id:pk>/update/", views.section_update, name="section-update"),
    path("sections/<id:pk>/move/", views.section_move, name="section-move"),
    path("sections/<id:pk>/delete/", views.section_delete, name="section-delete"),
    path("sections/<id:pk>/paragraphs/add/", views.paragraph_add, name="paragraph-add"),
    path("paragraphs/<id:pk>/save/", views.paragraph_save, name="paragraph-save"),
    path("paragraphs/<id:pk>/move/", views.paragraph_move, name="paragraph-move"),
    path("paragraphs/<id:pk>/delete/", views.paragraph_delete, name="paragraph-delete"),
]
