from django.contrib import admin

from .models import Membership, Respondent, RespondentName


class RespondentNameInline(admin.TabularInline):
    model = RespondentName
    extra = 0
    fields = [
        "list_name",
        "text_name",
        "short_name",
        "abbreviation",
        "sort_key",
        "valid_from",
        "valid_to",
        "source",
    ]


@admin.register(Respondent)
class RespondentAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__", "kind", "regional_group", "iso3", "m49"]
    list_filter = ["kind", "regional_group"]
    search_fields = ["code", "names__list_name", "names__abbreviation"]
    inlines = [RespondentNameInline]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("names")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "respondent", "role", "nomination_reference", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "respondent__code", "respondent__names__list_name"]
    autocomplete_fields = ["user", "respondent"]
