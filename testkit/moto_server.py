"""Serve an emulated AWS (moto) on loopback that this module can be applied against.

Plain moto is not enough: it lacks two Step Functions actions the Terraform AWS provider
calls for every state machine, and answers otherwise than AWS where the module relies on
AWS's answer; testkit/aws_answers.py makes it answer as AWS does. The launcher also turns
on moto's execution of state machines, so a ``Fail`` state really ends an execution
FAILED with its error and cause, and a long ``Wait`` keeps one RUNNING.

Command line::

    python -m testkit.moto_server [--host 127.0.0.1] [--port 5000]
    python -m testkit.moto_server -- COMMAND [ARG ...]

The first form prints one line, ``ready http://HOST:PORT``, once the server answers HTTP, and
stops cleanly on SIGTERM or SIGINT. ``--port 0`` picks a free port (read it from the ready
line). The second form serves on a free port for as long as COMMAND runs, passes the
address to it in ``MOTO_ENDPOINT``, and exits with COMMAND's exit code.

From pytest, in-process::

    server = start("127.0.0.1", 0)
    host, port = server.get_host_and_port()
    ...
    server.stop()
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from moto.core.config import default_user_config
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from testkit import aws_answers, read_once

if TYPE_CHECKING:
    from types import FrameType

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
DEFAULT_REGION = "us-east-1"


def configure_moto() -> None:
    """Make moto answer as AWS does where the module relies on it (testkit/aws_answers.py),
    and run state machines; parse what it reads only once (testkit/read_once.py)."""
    aws_answers.install()
    read_once.install()
    # One access-log line per request drowns the test and demo output, and moto logs a
    # Fail state it ran as intended as an exception.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("moto.stepfunctions.parser").setLevel(logging.CRITICAL)
    default_user_config["stepfunctions"]["execute_state_machine"] = True


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _loopback_host(host: str) -> str:
    """argparse type: the server must never listen beyond this machine."""
    if not _is_loopback(host):
        msg = f"{host!r} is not a loopback IP address"
        raise argparse.ArgumentTypeError(msg)
    return host


def aws_environment(endpoint: str, region: str = DEFAULT_REGION) -> dict[str, str]:
    """Settings that point boto3 and the Terraform AWS provider at ``endpoint``."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
    }


@contextlib.contextmanager
def emulated_aws(region: str = DEFAULT_REGION) -> Iterator[str]:
    """A moto server holding nothing yet, with this process's AWS settings pointed at it.

    Yields the endpoint; restores the environment and stops the server on the way out.
    """
    server = start(DEFAULT_HOST, 0)
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # Servers in one process share moto's state: start each from nothing.
    urllib.request.urlopen(
        urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    ).close()
    saved = dict(os.environ)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(aws_environment(endpoint, region))
    try:
        yield endpoint
    finally:
        os.environ.clear()
        os.environ.update(saved)
        server.stop()


def wait_until_answering(host: str, port: int, timeout: float = 10.0) -> None:
    """Block until the server answers an HTTP request (any status), or raise TimeoutError."""
    url = f"http://{host}:{port}/moto-api/"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                msg = f"moto server on {host}:{port} did not answer"
                raise TimeoutError(msg) from None
            time.sleep(0.05)


def start(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> ThreadedMotoServer:
    """Patch moto, start a ThreadedMotoServer on host:port and return it once it answers.

    Pass ``port=0`` for a free port; call ``server.get_host_and_port()`` to learn it and
    ``server.stop()`` when done.
    """
    if not _is_loopback(host):
        msg = f"refusing to serve moto on non-loopback address {host!r}"
        raise ValueError(msg)
    configure_moto()
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    wait_until_answering(*server.get_host_and_port())
    return server


def run_with_server(command: list[str], host: str) -> int:
    """Serve moto on a free port while ``command`` runs; return its exit code."""
    server = start(host, 0)
    try:
        bound_host, port = server.get_host_and_port()
        environment = {**os.environ, "MOTO_ENDPOINT": f"http://{bound_host}:{port}"}
        return subprocess.run(command, env=environment, check=False).returncode
    finally:
        server.stop()


def serve(host: str, port: int, announce: Callable[[str], str]) -> int:
    """Serve moto until SIGTERM or Ctrl-C, printing ``announce(endpoint)`` once it listens."""
    stop_requested = threading.Event()

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop_requested.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    server = start(host, port)
    try:
        bound_host, bound_port = server.get_host_and_port()
        print(announce(f"http://{bound_host}:{bound_port}"), flush=True)
        while not stop_requested.wait(timeout=1):
            pass
    finally:
        server.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run moto (Step Functions patched) on loopback.")
    parser.add_argument(
        "--host",
        type=_loopback_host,
        default=DEFAULT_HOST,
        help=f"loopback address to listen on (default {DEFAULT_HOST})",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"TCP port, 0 picks a free one (default {DEFAULT_PORT})",
    )
    parser.add_argument(
        "command", nargs=argparse.REMAINDER, help="after --: a command to run with the server"
    )
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if command:
        return run_with_server(command, args.host)

    return serve(args.host, args.port, lambda endpoint: f"ready {endpoint}")


if __name__ == "__main__":
    sys.exit(main())
