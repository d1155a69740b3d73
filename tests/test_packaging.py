"""Committed artefacts: the deployment zip is fresh and reproducible; the IAM checks work."""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
from pathlib import Path

from dev import build_lambda_zip
from testkit.iam_actions import unknown_actions, wildcard_grants


def test_committed_zip_matches_the_sources() -> None:
    committed = build_lambda_zip.ZIP_PATH.read_bytes()
    assert committed == build_lambda_zip.build(), "dist/lambda.zip is stale: run `make zip`"


def test_build_is_reproducible_across_checkouts(tmp_path: Path) -> None:
    """Another checkout (other mtimes, other modes, a stray cache) builds the same bytes."""
    copy = tmp_path / "lambda_src"
    shutil.copytree(build_lambda_zip.SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for path in copy.rglob("*.py"):
        path.chmod(0o600)
        path.touch()
    (copy / "sfn_deadline_monitor" / "__pycache__").mkdir()
    (copy / "sfn_deadline_monitor" / "__pycache__" / "handler.cpython-312.pyc").write_bytes(b"x")
    rebuilt = build_lambda_zip.build(copy)
    assert (
        hashlib.sha256(rebuilt).hexdigest() == hashlib.sha256(build_lambda_zip.build()).hexdigest()
    )


def test_zip_holds_only_the_package_with_fixed_metadata() -> None:
    with zipfile.ZipFile(io.BytesIO(build_lambda_zip.ZIP_PATH.read_bytes())) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert "sfn_deadline_monitor/handler.py" in names
    assert all(name.startswith("sfn_deadline_monitor/") and name.endswith(".py") for name in names)
    assert not any("boto" in name or "__pycache__" in name for name in names)
    assert {info.date_time for info in infos} == {build_lambda_zip.FIXED_TIME}
    assert {info.external_attr >> 16 for info in infos} == {build_lambda_zip.FILE_MODE}


def test_check_mode_fails_on_a_stale_zip(tmp_path: Path, monkeypatch, capsys) -> None:
    stale = tmp_path / "lambda.zip"
    stale.write_bytes(b"old")
    monkeypatch.setattr(build_lambda_zip, "ZIP_PATH", stale)
    monkeypatch.setattr(build_lambda_zip, "ROOT", tmp_path)
    assert build_lambda_zip.main(["--check"]) == 1
    assert "is stale" in capsys.readouterr().err


def test_iam_action_check_catches_the_seed_templates_mistake() -> None:
    assert unknown_actions(["lambda:InvokeLambda", "lambda:InvokeFunction"]) == [
        "lambda:InvokeLambda"
    ]
    assert unknown_actions(["kms:GenerateDataKey*", "states:ListExecutions"]) == []


def test_wildcard_scan_flags_unscoped_grants() -> None:
    statements = [
        {"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"},
        {"Effect": "Allow", "Action": ["states:ListExecutions"], "Resource": ["arn:aws:x"]},
        {"Effect": "Deny", "Action": "*", "Resource": "*"},
    ]
    assert wildcard_grants(statements) == ["sns:Publish"]
