"""The respondents registry: shipped data, dated names, pages and API."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from surveys.models import Respondent
from surveys.respondents.reference_data import read_reference_rows
from tests.factories import MembershipFactory, ReviewerFactory, SecretariatFactory, UserFactory

REPORT_DATE = "2008-01-29"


def ids(*codes: str) -> list[int]:
    found = dict(Respondent.objects.filter(code__in=codes).values_list("code", "pk"))
    assert set(found) == set(codes), set(codes) - set(found)
    return [found[code] for code in reversed(codes)]  # deliberately not in UN order


def test_reference_file_is_consistent():
    rows = read_reference_rows()
    codes = [row.code for row in rows]
    assert len(codes) == len(set(codes))
    today = datetime.date(2026, 11, 24)
    current_members = [
        r for r in rows if r.kind == "member_state" and any(n.valid_to is None for n in r.names)
    ]
    assert len(current_members) == 193
    assert len([r for r in rows if r.kind == "observer_state"]) == 2
    for row in current_members:
        assert row.regional_group, row.code
        assert len(row.m49) == 3 and row.m49.isdigit(), row.code
        assert len(row.iso3) == 3 and row.iso3.isupper(), row.code
        assert sum(n.valid_from is None or n.valid_from <= today for n in row.names) >= 1


@pytest.mark.django_db
def test_migrate_loads_the_registry():
    assert Respondent.objects.filter(kind="member_state").count() >= 193
    assert Respondent.objects.get(code="NER").name_on(datetime.date(2008, 1, 29)).text_name == (
        "the Niger"
    )
    assert Respondent.objects.get(code="UNODC").kind == "un_entity"
    assert Respondent.objects.get(code="LAS").count_singular == "regional organization"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "in_2008", "today"),
    [
        ("SWZ", "Swaziland", "Eswatini"),
        ("MKD", "the former Yugoslav Republic of Macedonia", "North Macedonia"),
        ("TUR", "Turkey", "Türkiye"),
        ("CZE", "Czech Republic", "Czechia"),
        ("CPV", "Cape Verde", "Cabo Verde"),
        ("LBY", "Libyan Arab Jamahiriya", "Libya"),
    ],
)
def test_names_change_with_the_date(code, in_2008, today):
    respondent = Respondent.objects.prefetch_related("names").get(code=code)
    assert respondent.name_on(datetime.date(2008, 1, 29)).list_name == in_2008
    assert respondent.name_on(timezone.localdate()).list_name == today


# Lists from the reference report, rebuilt from ids through the API, in corrected UN order.
REFERENCE_LISTS = [
    # footnote 1 (bare list)
    (
        ("BLR", "BGR", "HRV", "SLV", "EST", "HUN", "LVA", "MMR", "NLD", "OMN", "PHL", "POL", "ROU"),
        "list",
        "Belarus, Bulgaria, Croatia, El Salvador, Estonia, Hungary, Latvia, Myanmar, Netherlands, "
        "Oman, Philippines, Poland and Romania",
    ),
    # footnote 8
    (
        ("BGR", "CZE", "SLV", "EST", "HUN", "JPN", "LIE", "MUS", "NER"),
        "list",
        "Bulgaria, Czech Republic, El Salvador, Estonia, Hungary, Japan, Liechtenstein, Mauritius "
        "and Niger",
    ),
    # paragraph 44, inside a sentence
    (
        ("SLV", "EST", "JPN", "NER", "PHL", "QAT"),
        "prose",
        "El Salvador, Estonia, Japan, the Niger, the Philippines and Qatar",
    ),
    # paragraph 3: the document put the Philippines before Myanmar, dropped "the" and wrote
    # "the Arab League"; this is the corrected list.
    (
        (
            "BLR",
            "BGR",
            "HRV",
            "CUB",
            "CZE",
            "SLV",
            "EST",
            "GRC",
            "HUN",
            "JPN",
            "JOR",
            "LIE",
            "MUS",
            "PHL",
            "MMR",
            "NLD",
            "NER",
            "OMN",
            "POL",
            "QAT",
            "ROU",
            "SVN",
            "UKR",
            "LAS",
        ),
        "prose",
        "Belarus, Bulgaria, Croatia, Cuba, the Czech Republic, El Salvador, Estonia, Greece, "
        "Hungary, Japan, Jordan, Liechtenstein, Mauritius, Myanmar, the Netherlands, the Niger, "
        "Oman, the Philippines, Poland, Qatar, Romania, Slovenia, Ukraine and the League of Arab "
        "States",
    ),
    # paragraph 17
    (
        ("AUT", "DNK", "FRA", "DEU", "ITA", "NOR", "CHE", "GBR"),
        "prose",
        "Austria, Denmark, France, Germany, Italy, Norway, Switzerland and the United Kingdom of "
        "Great Britain and Northern Ireland",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("codes", "style", "expected"), REFERENCE_LISTS)
def test_reference_lists_come_out_of_the_api_in_un_order(client, codes, style, expected):
    client.force_login(SecretariatFactory())
    response = client.post(
        "/api/v1/respondents/format/",
        {"respondents": ids(*codes), "style": style, "date": REPORT_DATE},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["text"] == expected


@pytest.mark.django_db
def test_count_phrase_of_the_replies_paragraph(client):
    client.force_login(SecretariatFactory())
    codes = REFERENCE_LISTS[3][0]
    response = client.post(
        "/api/v1/respondents/format/",
        {"respondents": ids(*codes), "style": "prose", "date": REPORT_DATE},
        content_type="application/json",
    )
    assert response.json()["count"] == "23 States and one regional organization"


@pytest.mark.django_db
def test_the_same_list_dated_today_prints_todays_names(client):
    client.force_login(SecretariatFactory())
    respondents = ids("CZE", "SWZ", "TUR", "TUN", "TKM")
    dated = {}
    for date in (REPORT_DATE, "2026-11-24"):
        dated[date] = client.post(
            "/api/v1/respondents/format/",
            {"respondents": respondents, "style": "list", "date": date},
            content_type="application/json",
        ).json()["text"]
    assert dated[REPORT_DATE] == "Czech Republic, Swaziland, Tunisia, Turkey and Turkmenistan"
    assert dated["2026-11-24"] == "Czechia, Eswatini, Tunisia, Türkiye and Turkmenistan"


@pytest.mark.django_db
def test_names_already_mentioned_take_their_later_form(client):
    client.force_login(SecretariatFactory())
    (uk,) = ids("GBR")
    (iom,) = ids("IOM")
    first = client.post(
        "/api/v1/respondents/format/",
        {"respondents": [uk, iom], "style": "prose", "date": REPORT_DATE},
        content_type="application/json",
    ).json()["text"]
    later = client.post(
        "/api/v1/respondents/format/",
        {"respondents": [uk, iom], "style": "prose", "date": REPORT_DATE, "mentioned": [uk, iom]},
        content_type="application/json",
    ).json()["text"]
    assert first == (
        "the United Kingdom of Great Britain and Northern Ireland and the International "
        "Organization for Migration (IOM)"
    )
    assert later == "the United Kingdom and IOM"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"respondents": [999999], "style": "list", "date": REPORT_DATE}, "Unknown respondent"),
        ({"respondents": [], "style": "list", "date": REPORT_DATE}, "empty"),
        ({"respondents": [1], "style": "poem", "date": REPORT_DATE}, "not a valid choice"),
        ({"respondents": [1], "style": "list", "date": "29 January 2008"}, "Date has wrong"),
        ({"respondents": "BLR", "style": "list", "date": REPORT_DATE}, "Expected a list"),
        (
            {"respondents": [1], "style": "list", "date": REPORT_DATE, "mentioned": [999999]},
            "Unknown respondent",
        ),
    ],
)
def test_format_refuses_bad_input_with_a_message(client, payload, message):
    client.force_login(SecretariatFactory())
    response = client.post("/api/v1/respondents/format/", payload, content_type="application/json")
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_format_refuses_a_duplicate_with_a_message(client):
    client.force_login(SecretariatFactory())
    (ner,) = ids("NER")
    response = client.post(
        "/api/v1/respondents/format/",
        {"respondents": [ner, ner], "style": "list", "date": REPORT_DATE},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert str(ner) in response.json()["detail"]


@pytest.mark.django_db
def test_format_refuses_anonymous_callers(client):
    response = client.post(
        "/api/v1/respondents/format/",
        {"respondents": [1], "style": "list", "date": REPORT_DATE},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)


@pytest.mark.django_db
def test_token_authentication_works_for_the_api(client):
    SecretariatFactory(email="sec@verbale.test")
    token = client.post(
        "/api/v1/auth/token/", {"username": "sec@verbale.test", "password": "correct-horse-battery"}
    ).json()
    response = client.get(
        "/api/v1/respondents/?name=niger", headers={"Authorization": f"Token {token['token']}"}
    )
    assert response.status_code == 200
    assert [r["code"] for r in response.json()["results"]] == ["NER", "NGA"]


@pytest.mark.django_db
def test_respondents_api_filters_by_kind_and_group_in_un_order(client):
    client.force_login(ReviewerFactory())
    response = client.get(
        "/api/v1/respondents/?kind=member_state&regional_group="
        "eastern_european&on=2026-11-24&limit=50"
    )
    names = [r["name"] for r in response.json()["results"]]
    assert response.json()["count"] == 23
    assert names[:3] == ["Albania", "Armenia", "Azerbaijan"]
    assert names.index("Czechia") < names.index("Estonia")


@pytest.mark.django_db
def test_respondent_detail_carries_its_name_history(client):
    client.force_login(UserFactory())
    (swz,) = ids("SWZ")
    body = client.get(f"/api/v1/respondents/{swz}/").json()
    assert body["kind"] == "member_state"
    assert body["iso3"] == "SWZ" and body["m49"] == "748"
    assert body["regional_group"] == "african"
    assert [n["list_name"] for n in body["names"]] == ["Swaziland", "Eswatini"]


@pytest.mark.django_db
def test_respondents_list_api_uses_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(ReviewerFactory())
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/respondents/?limit=200")
    assert len(response.json()["results"]) == 200


NGO = {
    "code": "NGO-STRADA-TEST",
    "kind": "ngo",
    "names": [
        {
            "list_name": "Strada Test Network",
            "text_name": "the Strada Test Network",
            "sort_key": "Strada Test Network",
        }
    ],
}


@pytest.mark.django_db
def test_secretariat_registers_an_ngo_through_the_api(client):
    client.force_login(SecretariatFactory())
    response = client.post("/api/v1/respondents/", NGO, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Respondent.objects.get(code="NGO-STRADA-TEST").names.get().text_name == (
        "the Strada Test Network"
    )


@pytest.mark.django_db
def test_secretariat_records_a_name_change(client):
    client.force_login(SecretariatFactory())
    created = client.post("/api/v1/respondents/", NGO, content_type="application/json").json()
    names = [
        {**NGO["names"][0], "valid_to": "2019-12-31"},
        {
            "list_name": "Strada Network",
            "text_name": "the Strada Network",
            "sort_key": "Strada Network",
            "valid_from": "2020-01-01",
            "source": "Letter of 3 January 2020",
        },
    ]
    response = client.patch(
        f"/api/v1/respondents/{created['id']}/", {"names": names}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert [n["list_name"] for n in response.json()["names"]] == [
        "Strada Test Network",
        "Strada Network",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"names": []}, "at least one name"),
        (
            {
                "names": [
                    {"list_name": "A", "text_name": "A", "sort_key": "A"},
                    {
                        "list_name": "B",
                        "text_name": "B",
                        "sort_key": "B",
                        "valid_from": "2020-01-01",
                    },
                ]
            },
            "overlap",
        ),
        ({"iso3": "XYZ"}, "Only States carry"),
        ({"kind": "dragon"}, "not a valid choice"),
    ],
)
def test_bad_respondent_changes_get_a_message_and_change_nothing(client, change, message):
    client.force_login(SecretariatFactory())
    created = client.post("/api/v1/respondents/", NGO, content_type="application/json").json()
    response = client.patch(
        f"/api/v1/respondents/{created['id']}/", change, content_type="application/json"
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    respondent = Respondent.objects.get(pk=created["id"])
    assert respondent.kind == "ngo" and respondent.iso3 == ""
    assert [n.list_name for n in respondent.names.all()] == ["Strada Test Network"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_user", [ReviewerFactory, UserFactory, lambda: MembershipFactory().user]
)
def test_only_the_secretariat_writes_the_registry(client, make_user):
    client.force_login(make_user())
    assert (
        client.post("/api/v1/respondents/", NGO, content_type="application/json").status_code == 403
    )
    (ner,) = ids("NER")
    assert (
        client.patch(
            f"/api/v1/respondents/{ner}/", {"m49": "000"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert Respondent.objects.get(pk=ner).m49 == "562"


@pytest.mark.django_db
def test_anonymous_cannot_read_the_registry_api(client):
    assert client.get("/api/v1/respondents/").status_code in (401, 403)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_user",
    [SecretariatFactory, ReviewerFactory, UserFactory, lambda: MembershipFactory().user],
)
def test_every_signed_in_role_reads_the_registry_pages(client, make_user):
    client.force_login(make_user())
    page = client.get("/respondents/?regional_group=african&name=niger")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Niger" in text and "Nigeria" in text and "Belarus" not in text
    (ner,) = ids("NER")
    assert "the Niger" in client.get(f"/respondents/{ner}/").content.decode()


@pytest.mark.django_db
def test_registry_page_lists_states_before_organizations(client):
    client.force_login(ReviewerFactory())
    text = client.get("/respondents/?page=1").content.decode()
    assert text.index("Afghanistan") < text.index("Albania")
    last = client.get("/respondents/?page=3").content.decode()
    assert "La Strada International" in last or "Anti-Slavery" in last


@pytest.mark.django_db
def test_registry_keeps_former_respondents_for_old_replies(client):
    client.force_login(ReviewerFactory())
    then = client.get(
        "/api/v1/respondents/?regional_group=eastern_european&on=2005-01-01&limit=50"
    ).json()
    names = {r["code"] for r in then["results"]}
    assert "SCG" in names and "MNE" not in names
