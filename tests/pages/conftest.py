import pytest

from tests.suggestions.factories import Actors


@pytest.fixture
def actors(db):
    return Actors()
