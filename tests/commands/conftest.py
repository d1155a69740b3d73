"""The commands' fixtures: a deployed module on emulated AWS (testkit.deployed_module),
healthy until a doctor test breaks one part of it on purpose."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from testkit.account import Account
from testkit.deployed_module import (
    Deployed,
    deploy,
)


@pytest.fixture
def deployed(account: Account) -> Deployed:
    return deploy(account)


@pytest.fixture
def refuse(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, str], None]]:
    """Make AWS refuse one operation (by its API name) with an error code, as AWS would
    refuse a caller, below every client the command makes."""
    refused: dict[str, str] = {}
    make_api_call = BaseClient._make_api_call

    def call(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if operation in refused:
            error = {"Error": {"Code": refused[operation], "Message": "refused by the test"}}
            raise ClientError(error, operation)  # type: ignore[arg-type]
        return make_api_call(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", call)
    yield refused.__setitem__
