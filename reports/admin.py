from django.contrib import admin

from .models import AttributionMember, AttributionSet, Build, Paragraph, Report, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["kind", "parent", "title", "generated", "order"]
    show_change_link = True


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["symbol", "title", "date", "organ", "page_size"]
    search_fields = ["symbol", "title"]
    filter_horizontal = ["questionnaires"]
    inlines = [SectionInline]


class ParagraphInline(admin.StackedInline):
    model = Paragraph
    extra = 0
    fields = ["kind", "text", "order"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "report", "kind", "parent", "order"]
    list_filter = ["kind"]
    inlines = [ParagraphInline]


class AttributionMemberInline(admin.TabularInline):
    model = AttributionMember
    extra = 0
    autocomplete_fields = ["respondent"]


@admin.register(AttributionSet)
class AttributionSetAdmin(admin.ModelAdmin):
    list_display = ["key", "report", "statement"]
    list_filter = ["report"]
    search_fields = ["key", "statement"]
    inlines = [AttributionMemberInline]


@admin.register(Build)
class BuildAdmin(admin.ModelAdmin):
    """Builds are written by the build service only: the admin shows them."""

    list_display = ["pk", "report", "status", "created_at", "duration", "page_count", "attempts"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Build._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
