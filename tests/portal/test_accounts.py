from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core import mail

from portal.models import User
from tests.factories import MembershipFactory, ReviewerFactory, SecretariatFactory, UserFactory

PASSWORD = "correct-horse-battery"


def test_user_model_is_keyed_by_email():
    assert User.USERNAME_FIELD == "email"
    assert User._meta.get_field("email").unique


@pytest.mark.django_db
def test_create_user_lowercases_the_email():
    user = User.objects.create_user("Focal.Point@Example.ORG", "x" * 12)
    assert user.email == "focal.point@example.org"


@pytest.mark.django_db
def test_person_signs_in_with_email_and_password(client):
    UserFactory(email="fp@verbale.test")
    response = client.post(
        "/accounts/login/", {"username": "fp@verbale.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="fp@verbale.test")
    response = client.post("/accounts/login/", {"username": "fp@verbale.test", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_out_and_are_logged(client, settings):
    UserFactory(email="fp@verbale.test")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "fp@verbale.test", "password": "wrong"})
    # Even the right password is refused while locked out.
    response = client.post(
        "/accounts/login/", {"username": "fp@verbale.test", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert AccessAttempt.objects.filter(username="fp@verbale.test").exists()
    assert AccessFailureLog.objects.filter(username="fp@verbale.test").count() >= 5
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_mails_a_working_link(client):
    UserFactory(email="fp@verbale.test")
    response = client.post("/accounts/password_reset/", {"email": "fp@verbale.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Verbale: choose a new password"
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert done.status_code == 302
    assert User.objects.get(email="fp@verbale.test").check_password("a-new-long-passphrase")


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password_reset/", {"email": "nobody@verbale.test"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_password_change_needs_the_old_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "wrong",
            "new_password1": "another-long-phrase",
            "new_password2": "another-long-phrase",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_sign_out_needs_a_post_and_ends_the_session(client):
    client.force_login(UserFactory())
    assert client.get("/accounts/logout/").status_code == 405
    signed_out = client.post("/accounts/logout/")
    # What the reply form kept in the browser does not stay behind for the next person.
    assert signed_out["Clear-Site-Data"] == '"storage"'
    assert client.get("/").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make_user", "expected", "absent"),
    [
        (SecretariatFactory, "Secretariat", "No role yet"),
        (ReviewerFactory, "Review", "Secretariat"),
        (UserFactory, "No role yet", "Secretariat"),
    ],
)
def test_home_page_shows_each_role_what_it_can_do(client, make_user, expected, absent):
    client.force_login(make_user())
    page = client.get("/").content.decode()
    assert f"<h2>{expected}" in page
    assert f"<h2>{absent}" not in page


@pytest.mark.django_db
def test_home_page_of_a_focal_point_names_the_respondent_and_role(client):
    membership = MembershipFactory(respondent__name="Ruritania")
    client.force_login(membership.user)
    page = client.get("/").content.decode()
    assert "Ruritania — focal point" in page
    assert "You draft, clear and submit replies." in page


@pytest.mark.django_db
def test_not_found_page_fits_the_site(client, settings):
    settings.DEBUG = False
    client.force_login(UserFactory())
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_forbidden_page_fits_the_site(client):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 302  # admin has its own login for non-staff
    client.force_login(ReviewerFactory())
    response = client.post("/api/v1/respondents/", {}, content_type="application/json")
    assert response.status_code == 403
