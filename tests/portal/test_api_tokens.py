"""API tokens: obtained with a password, expire, end with a password change, can be listed
and revoked by their owner and by the secretariat, and are rate limited."""

from __future__ import annotations

import datetime
import re

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from portal.models import User
from tests.factories import MembershipFactory, ReviewerFactory, SecretariatFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
# A refused token: 403, as DRF answers when session authentication comes first.
REFUSED = 403


def obtain(client: Client, user: User, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/auth/token/",
        {"username": user.email, "password": password},
        content_type="application/json",
    )


def token_of(user: User) -> str:
    return obtain(Client(), user).json()["token"]


def call(token: str, path: str = "/api/v1/respondents/", method: str = "get"):  # type: ignore[no-untyped-def]
    return getattr(Client(), method)(path, headers={"Authorization": f"Token {token}"})


def account_changes(user: User) -> list[dict]:
    return [e.changes_dict for e in LogEntry.objects.get_for_object(user).order_by("pk")]


# --- obtaining ----------------------------------------------------------------------------


def test_token_is_issued_with_its_expiry_and_works_as_a_token_header(settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": datetime.timedelta(days=7)}
    user = ReviewerFactory()
    response = obtain(Client(), user)
    assert response.status_code == 200
    body = response.json()
    expiry = datetime.datetime.fromisoformat(body["expiry"])
    in_a_week = timezone.now() + datetime.timedelta(days=7)
    assert abs((expiry - in_a_week).total_seconds()) < 60
    assert call(body["token"]).status_code == 200
    # Only a hash is stored: the token itself appears in no row.
    assert not AuthToken.objects.filter(digest=body["token"]).exists()
    assert body["token"] not in str(list(AuthToken.objects.values()))
    assert any("API token" in c for c in account_changes(user))


def test_each_request_issues_another_token_and_all_of_them_work():
    user = ReviewerFactory()
    first, second = token_of(user), token_of(user)
    assert first != second
    assert call(first).status_code == 200 and call(second).status_code == 200


def test_an_expired_token_is_refused():
    user = ReviewerFactory()
    token = token_of(user)
    AuthToken.objects.update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert call(token).status_code == REFUSED


@pytest.mark.parametrize(
    "body",
    ["[]", "null", "[null,null]", '"text"', "42", "{}", '{"username": ["a"], "password": {}}'],
)
def test_a_token_request_that_is_not_an_object_of_text_is_a_clear_400(body):
    response = Client().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize(
    "fields", [{"username": "fp\ud800@verbale.test"}, {"password": "pass\ud800word-long"}]
)
def test_a_lone_surrogate_in_the_credentials_is_a_400_not_a_server_error(fields):
    UserFactory(email="fp@verbale.test")
    body = {"username": "fp@verbale.test", "password": PASSWORD, **fields}
    # json.dumps writes the surrogate as the escape \ud800, as a client would send it.
    response = Client().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert "not valid text" in response.json()["detail"]
    assert not AuthToken.objects.exists()


def test_wrong_password_gets_no_token():
    user = ReviewerFactory()
    response = obtain(Client(), user, password="not-the-password")
    assert response.status_code == 400
    assert not AuthToken.objects.exists()


def test_an_authorization_header_that_is_not_utf8_is_refused_not_a_server_error():
    # WSGI hands headers over as Latin-1: these two bytes are no UTF-8 text.
    response = Client().get("/api/v1/respondents/", HTTP_AUTHORIZATION="Token \xff\xfe")
    assert response.status_code == REFUSED


# --- the password ends them ---------------------------------------------------------------


def test_changing_the_password_ends_every_token_and_is_in_the_audit_trail(client):
    user = UserFactory()
    tokens = [token_of(user), token_of(user)]
    client.force_login(user)
    done = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-phrase",
            "new_password2": "another-long-phrase",
        },
    )
    assert done.status_code == 302
    assert [call(t).status_code for t in tokens] == [REFUSED, REFUSED]
    changes = account_changes(user)
    assert {"API tokens": ["", "2 revoked: the password changed"]} in changes
    assert {"password": ["", "changed"]} in changes
    # A token obtained with the new password works.
    new = obtain(Client(), user, password="another-long-phrase").json()["token"]
    assert call(new).status_code == 200


def test_resetting_the_password_ends_every_token_and_each_step_is_audited(client):
    user = UserFactory(email="fp@verbale.test")
    token = token_of(user)
    client.post("/accounts/password_reset/", {"email": "fp@verbale.test"})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert call(token).status_code == REFUSED
    entries = LogEntry.objects.get_for_object(user).order_by("pk")
    changes = [e.changes_dict for e in entries]
    reset = changes.index({"password reset": ["", "link e-mailed to the account's address"]})
    assert changes[reset + 1 :] == [
        {"API tokens": ["", "1 revoked: the password changed"]},
        {"password": ["", "changed"]},
    ]
    # Asked for while signed out: no one is named; the new password was typed by its owner.
    assert entries[reset].actor is None
    assert entries[len(changes) - 1].actor == user


def test_a_new_login_does_not_end_tokens():
    user = UserFactory()
    token = token_of(user)
    Client().post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert call(token).status_code == 200


# --- listing and revoking -----------------------------------------------------------------


@pytest.fixture
def people():  # type: ignore[no-untyped-def]
    focal = MembershipFactory(respondent__name="Ruritania").user
    other = MembershipFactory(respondent__name="Freedonia").user
    secretariat = SecretariatFactory()
    return {
        "focal": (focal, token_of(focal)),
        "other": (other, token_of(other)),
        "secretariat": (secretariat, token_of(secretariat)),
    }


def _key(token: str) -> str:
    return token[:15]


def test_a_person_lists_only_their_own_tokens(people):
    focal, token = people["focal"]
    listed = call(token, "/api/v1/auth/tokens/").json()["results"]
    assert [t["id"] for t in listed] == [_key(token)]
    assert listed[0]["current"] is True and listed[0]["user_email"] == focal.email
    assert "token" not in listed[0]


def test_the_secretariat_lists_everyones_tokens_and_one_persons(people):
    _, token = people["secretariat"]
    everyone = call(token, "/api/v1/auth/tokens/").json()["results"]
    assert len(everyone) == 3
    focal, focal_token = people["focal"]
    one = call(token, f"/api/v1/auth/tokens/?user={focal.pk}").json()["results"]
    assert [t["id"] for t in one] == [_key(focal_token)]


@pytest.mark.parametrize("query", ["user=null", "user=-1", "user=1&user=2", "user="])
def test_a_bad_person_filter_is_a_400(people, query):
    _, token = people["secretariat"]
    answer = call(token, f"/api/v1/auth/tokens/?{query}")
    assert answer.status_code == 400
    assert "user" in answer.json()


def test_a_person_revokes_their_own_token_through_the_api(people):
    _, token = people["focal"]
    assert call(token, f"/api/v1/auth/tokens/{_key(token)}/", "delete").status_code == 204
    assert call(token).status_code == REFUSED


def test_a_focal_point_of_another_state_cannot_see_or_revoke_a_token(people):
    _, other_token = people["other"]
    _, focal_token = people["focal"]
    answer = call(other_token, f"/api/v1/auth/tokens/{_key(focal_token)}/", "delete")
    assert answer.status_code == 404
    assert call(focal_token).status_code == 200


def test_the_secretariat_revokes_anyones_token_and_it_is_audited(people):
    _, secretariat_token = people["secretariat"]
    focal, focal_token = people["focal"]
    answer = call(secretariat_token, f"/api/v1/auth/tokens/{_key(focal_token)}/", "delete")
    assert answer.status_code == 204
    assert call(focal_token).status_code == REFUSED
    revoked = [
        e
        for e in LogEntry.objects.get_for_object(focal)
        if "revoked" in str(e.changes_dict.get("API token"))
    ]
    assert len(revoked) == 1 and revoked[0].actor == people["secretariat"][0]


def test_anonymous_callers_cannot_list_tokens():
    assert Client().get("/api/v1/auth/tokens/").status_code in (401, 403)


def test_the_token_page_lists_and_revokes_ones_own_tokens(client, people):
    focal, token = people["focal"]
    client.force_login(focal)
    page = client.get("/accounts/tokens/").content.decode()
    assert _key(token)[:8] in page
    assert _key(people["other"][1])[:8] not in page
    done = client.post(f"/accounts/tokens/{_key(token)}/revoke/")
    assert done.status_code == 302
    assert call(token).status_code == REFUSED


def test_the_token_page_will_not_revoke_someone_elses_token(client, people):
    client.force_login(people["focal"][0])
    other_token = people["other"][1]
    assert client.post(f"/accounts/tokens/{_key(other_token)}/revoke/").status_code == 404
    assert call(other_token).status_code == 200


@pytest.mark.parametrize("who", ["focal", "other"])
def test_only_the_secretariat_sees_everyones_tokens_page(client, people, who):
    client.force_login(people[who][0])
    assert client.get("/accounts/tokens/everyone/").status_code == 403


def test_the_secretariat_revokes_a_token_from_everyones_page(client, people):
    client.force_login(people["secretariat"][0])
    focal_token = people["focal"][1]
    page = client.get("/accounts/tokens/everyone/").content.decode()
    assert _key(focal_token)[:8] in page and people["focal"][0].email in page
    client.post(f"/accounts/tokens/{_key(focal_token)}/revoke/", {"everyone": "1"})
    assert call(focal_token).status_code == REFUSED


# --- rate limits --------------------------------------------------------------------------


def _rates(settings, **rates: str) -> None:  # type: ignore[no-untyped-def]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            **{k.replace("_", "-"): v for k, v in rates.items()},
        },
    }


def test_a_person_over_their_rate_gets_429_with_retry_after(settings):
    token = token_of(ReviewerFactory())
    _rates(settings, user="3/minute")
    assert [call(token).status_code for _ in range(3)] == [200, 200, 200]
    refused = call(token)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    # Someone else has a count of their own.
    assert call(token_of(ReviewerFactory())).status_code == 200


def test_anonymous_callers_over_their_rate_get_429(settings):
    """Anonymous callers reach only the token endpoint (anything else is refused first)."""
    user = ReviewerFactory()
    _rates(settings, anon="2/minute", sign_in="100/minute")
    answers = [obtain(Client(), user, password="wrong-guess").status_code for _ in range(3)]
    assert answers == [400, 400, 429]


def test_the_token_endpoint_has_its_own_stricter_rate(settings):
    user = ReviewerFactory()
    _rates(settings, sign_in="2/minute")
    assert [obtain(Client(), user).status_code for _ in range(2)] == [200, 200]
    refused = obtain(Client(), user)
    assert refused.status_code == 429 and refused.has_header("Retry-After")
    assert AuthToken.objects.count() == 2


def test_default_rates_leave_room_for_autosave():
    from django.conf import settings

    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    number, period = rates["user"].split("/")
    per_minute = int(number) * {"s": 60, "m": 1, "h": 1 / 60, "d": 1 / 1440}[period[0]]
    assert per_minute >= 120  # two saves a second, sustained
