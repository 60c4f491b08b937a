"""Audit: people's data never runs as script on the organization page."""

import html
import re

import pytest
from django.urls import reverse

from accounts.models import Membership
from tests.factories.accounts import customer

pytestmark = pytest.mark.django_db


def test_a_members_email_cannot_break_out_of_the_remove_confirmation(client):
    owner = customer(role=Membership.Role.OWNER)
    organization = owner.memberships.get().organization
    # A valid address: the local part may hold an apostrophe.
    customer(organization, Membership.Role.MEMBER, email="x'-alert(document.cookie)-'@evil.example")
    client.force_login(owner)
    page = client.get(reverse("accounts:organization_detail", kwargs={"slug": organization.slug}))
    content = page.content.decode()
    # No inline handler at all (the CSP refuses them): the question is text that app.js
    # hands to confirm(), never script.
    assert "onsubmit=" not in content
    questions = [html.unescape(q) for q in re.findall(r'data-confirm="([^"]*)"', content)]
    assert "Remove x'-alert(document.cookie)-'@evil.example?" in questions
