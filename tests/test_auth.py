"""Signing in by email address, and what the sign-in form does with bad input."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from criteria.demo import DEMO_PASSWORD, DEMO_USERS
from pacesetter.forms import SignInForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("email", [spec.email for spec in DEMO_USERS])
def test_every_demo_user_signs_in_with_email_and_demo_password(client, email):
    response = client.post("/accounts/login/", {"username": email, "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").context["user"].email == email


def test_sign_in_ignores_the_case_of_the_email_address(client):
    response = client.post(
        "/accounts/login/", {"username": "Manager@Example.ORG", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302


def test_wrong_password_shows_an_error_summary_and_signs_nobody_in(client):
    response = client.post(
        "/accounts/login/", {"username": "manager@example.org", "password": "wrong"}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Enter a correct email address and password." in content
    assert "_auth_user_id" not in client.session


def test_sign_in_without_csrf_token_is_refused(settings):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post(
        "/accounts/login/", {"username": "manager@example.org", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 403
    assert "_auth_user_id" not in strict.session


def test_sign_out_is_a_post_and_ends_the_session(client):
    client.post("/accounts/login/", {"username": "manager@example.org", "password": DEMO_PASSWORD})

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_user_manager_stores_email_lower_case():
    user = get_user_model().objects.create_user("New.Person@Example.org", "a-long-password-1")

    assert user.email == "new.person@example.org"


class TestHostileSignIn(HypothesisTestCase):
    @settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(
        username=st.text(max_size=300),
        password=st.text(max_size=300),
    )
    def test_sign_in_form_never_accepts_or_crashes_on_arbitrary_input(self, username, password):
        # The portal always signs in with a request: django-axes counts failures by it.
        request = RequestFactory().post("/accounts/login/")
        form = SignInForm(request=request, data={"username": username, "password": password})

        assert not form.is_valid()
        assert form.errors
