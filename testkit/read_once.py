"""What a test process reads or makes once and then shares: botocore's service models, the
list of services botocore finds on disk, the JSONPath expressions moto renders events
with, botocore's event name aliases, and RSA keys. All are only read after that.

- moto's mock_aws starts each test with a new default session, and the function under
  test makes sessions of its own (a member role's credentials, aws.reset_clients()), so
  each client read and parsed botocore's JSON models again: half of an in-process test's
  time (tests/commands/test_doctor.py took 40 s, 18 s with this). Lambda's runtime reads
  them as botocore does; only the test process shares them.
- each new session's loader lists botocore's data directories again (a directory listing
  and a stat of each of its 400 services) for each client it makes: 745 listings, 19 s
  of the 110 s that tests/commands/test_doctor.py, test_state.py and test_handler.py
  took under cProfile.
- moto builds a JSONPath parser for each path of its default input map, for every event
  it delivers to a target (eight per event, a tenth of tests/test_faults.py's time).
- each new session's event emitter works out botocore's event name aliases again, for
  each of the 127 handlers it registers, then for each client's: 271,539 lookups, 23 s
  of the 252 s that `make quick`'s tests took under cProfile. The aliases are botocore's
  constant EVENT_ALIASES, so every emitter that uses them shares one table.
- moto generates a 2,048-bit RSA key for each KMS key it creates (symmetric ones too)
  and each SNS subscription whose messages it signs: 74 keys, 5 s of those 110 s. No
  test reads a key's material; every key of a size is the same one.
"""

from __future__ import annotations

import functools
from typing import Any

import jsonpath_ng.ext
from botocore import hooks, loaders
from cryptography.hazmat.primitives.asymmetric import rsa

_read = loaders.JSONFileLoader.load_file


@functools.cache
def _parsed_model(file_path: str) -> Any:
    """The file's parsed content (None for a path with no such file), read once."""
    return _read(loaders.JSONFileLoader(), file_path)


def _load_file(_: loaders.JSONFileLoader, file_path: str) -> Any:
    return _parsed_model(file_path)


_list = loaders.Loader.list_available_services
_services: dict[tuple[tuple[str, ...], str], list[str]] = {}


def _list_available_services(loader: loaders.Loader, type_name: str) -> list[str]:
    """The services of loaders that search the same directories, listed once."""
    key = (tuple(loader.search_paths), type_name)
    if key not in _services:
        _services[key] = _list(loader, type_name)
    return list(_services[key])


# Private to botocore, so not in its type stubs.
_alias_event_name = getattr(hooks.EventAliaser, "_alias_event_name")  # noqa: B009
_aliases_of_the_default: dict[str, str] = {}


def _shared_alias_event_name(aliaser: Any, event_name: str) -> str:
    """The event's name under botocore's default aliases, worked out once a process."""
    if getattr(aliaser, "_event_aliases") != hooks.EVENT_ALIASES:  # noqa: B009
        return str(_alias_event_name(aliaser, event_name))
    if event_name not in _aliases_of_the_default:
        _aliases_of_the_default[event_name] = _alias_event_name(aliaser, event_name)
    return _aliases_of_the_default[event_name]


_generate_rsa_key = rsa.generate_private_key


@functools.cache
def _rsa_key(public_exponent: int, key_size: int) -> rsa.RSAPrivateKey:
    """One key of each size, generated once."""
    return _generate_rsa_key(public_exponent=public_exponent, key_size=key_size)


def _rsa_key_of(public_exponent: int, key_size: int, backend: Any = None) -> rsa.RSAPrivateKey:
    return _rsa_key(public_exponent, key_size)


def install() -> None:
    """Share them in this process (idempotent)."""
    loaders.JSONFileLoader.load_file = _load_file  # type: ignore[method-assign,assignment]
    loaders.Loader.list_available_services = _list_available_services  # type: ignore[method-assign,assignment]
    setattr(hooks.EventAliaser, "_alias_event_name", _shared_alias_event_name)  # noqa: B010
    rsa.generate_private_key = _rsa_key_of
    # moto imports jsonpath_ng.ext's parse at each call.
    parse = getattr(jsonpath_ng.ext, "parse")  # noqa: B009 -- not in the module's __all__
    if not hasattr(parse, "cache_info"):
        setattr(jsonpath_ng.ext, "parse", functools.cache(parse))  # noqa: B010
