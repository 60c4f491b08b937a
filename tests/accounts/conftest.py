import pytest

from tests.factories.accounts import StaffFactory, login_verified_staff


@pytest.fixture
def superuser(client):
    return login_verified_staff(client, StaffFactory(is_superuser=True))
