"""What a test process parses once and then shares: botocore's service models and the
JSONPath expressions moto renders events with. Both are read only after parsing.

- moto's mock_aws starts each test with a new default session, and the function under
  test makes sessions of its own (a member role's credentials, aws.reset_clients()), so
  each client read and parsed botocore's JSON models again: half of an in-process test's
  time (tests/commands/test_doctor.py took 40 s, 18 s with this). Lambda's runtime reads
  them as botocore does; only the test process shares them.
- moto builds a JSONPath parser for each path of its default input map, for every event
  it delivers to a target (eight per event, a tenth of tests/test_faults.py's time).
"""

from __future__ import annotations

import functools
from typing import Any

import jsonpath_ng.ext
from botocore import loaders

_read = loaders.JSONFileLoader.load_file


@functools.cache
def _parsed_model(file_path: str) -> Any:
    """The file's parsed content (None for a path with no such file), read once."""
    return _read(loaders.JSONFileLoader(), file_path)


def _load_file(_: loaders.JSONFileLoader, file_path: str) -> Any:
    return _parsed_model(file_path)


def install() -> None:
    """Share them in this process (idempotent)."""
    loaders.JSONFileLoader.load_file = _load_file  # type: ignore[method-assign,assignment]
    # moto imports jsonpath_ng.ext's parse at each call.
    parse = getattr(jsonpath_ng.ext, "parse")  # noqa: B009 -- not in the module's __all__
    if not hasattr(parse, "cache_info"):
        setattr(jsonpath_ng.ext, "parse", functools.cache(parse))  # noqa: B010
