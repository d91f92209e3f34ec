"""Fixtures for the crisis tests."""

from __future__ import annotations

import pytest

from .factories import pge_official


@pytest.fixture
def registrar(db):
    return pge_official()
