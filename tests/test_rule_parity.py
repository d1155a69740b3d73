"""The module (HCL) and the function (Python) apply the same rules: a schedule expression
or state machine ARN that one accepts, the other accepts too.

Both sides judge the same table: the module through one plan of a call whose monitors
each carry one case, the function through schedule_expression.parse and
contract.parse_state_machine_arn.
"""

from __future__ import annotations

import json
import re

import pytest

from sfn_deadline_monitor.alerts.bus import SOURCE
from sfn_deadline_monitor.check.monitor_settings import InvalidEventError, parse_state_machine_arn
from sfn_deadline_monitor.check.schedule_expression import ScheduleExpressionError, parse
from testkit.mocked_plan import mocks, plan_errors
from testkit.paths import ROOT

SM = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
EXPRESSIONS = [
    "cron(0 2 * * ? *)",
    "cron(15 10 ? * 6L 2022-2199)",
    "cron(0 9 15W * ? *)",
    "cron(0/5 8-17 ? jan-mar 3#2 *)",
    "cron(0/30 20-2 ? * MON-FRI *)",
    "cron(*/10 * L * ? *)",
    "cron(0 0 1,15 * ? *)",
    "cron(0 0 ? * L *)",
    "cron(0 0 ? * sat#5 *)",
    "cron(0 0 31 2 ? *)",
    "cron(59 23 ? 12 SUN 2199)",
    "cron(00 02 * * ? *)",
    "rate(1 minute)",
    "rate(5 minutes)",
    "rate(1 days)",
    "rate(05 hours)",
    "at(2035-06-01T09:00:00)",
    "rate(36500 days)",
    "cron(0 2 ? * sun *)",
    # Refused by both.
    "rate(36501 days)",
    "rate(99999999999999999999 minutes)",
    "at(2200-01-01T00:00:00)",
    "cron(0 2 ? * \u017fun *)",
    "cron(0 25 * * ? *)",
    "cron(60 2 * * ? *)",
    "cron(0 2 * * * *)",
    "cron(0 2 1 * MON *)",
    "cron(0 2 ? * ? *)",
    "cron(a b c d e f)",
    "cron(0 2 * * ?)",
    "cron(0  2 * * ? *)",
    "cron(0 2 * * ? * *)",
    "cron(0 2 ? * 8 *)",
    "cron(0 2 ? * 2#6 *)",
    "cron(0 2 ? * 2#1,6#3 *)",
    "cron(0 2 ? * MON/2 *)",
    "cron(0 2 LW * ? *)",
    "cron(0 2 32 * ? *)",
    "cron(0 2 0 * ? *)",
    "cron(0 2 * 13 ? *)",
    "cron(0 2 * * ? 1969)",
    "cron(0 2 * * ? 2200)",
    "cron(0/0 2 * * ? *)",
    "cron(0 2 ? * L# *)",
    "rate(0 minutes)",
    "rate(1 week)",
    "rate(1.5 hours)",
    "rate(5  minutes)",
    "rate(-1 minutes)",
    "at(2035-02-30T00:00:00)",
    "at(2035-06-01 09:00:00)",
    "0 2 * * ? *",
]
ARNS = [
    SM,
    "arn:aws:states:us-east-1:000000000000:stateMachine:etl:prod",
    "arn:aws:states:us-east-1:000000000000:stateMachine:etl:12",
    "arn:aws:states:us-east-1:000000000000:stateMachine:etl.daily+eu:prod.v2",
    "arn:aws-us-gov:states:us-gov-west-1:000000000000:stateMachine:etl",
    "arn:aws-cn:states:cn-north-1:000000000000:stateMachine:etl",
    f"arn:aws:states:us-east-1:000000000000:stateMachine:{'x' * 80}",
    # Refused by both.
    f"arn:aws:states:us-east-1:000000000000:stateMachine:{'x' * 81}",
    "arn:aws:states:us-east-1:000000000000:stateMachine:",
    "arn:aws:states:us-east-1:000000000000:execution:etl:run-1",
    "arn:aws:lambda:us-east-1:000000000000:function:etl",
    "arn:aws:states:us-east-1:00000000000:stateMachine:etl",
    "arn:aws:states:us-east-1:000000000000:stateMachine:etl:prod:1",
    "arn:aws:states:us-east-1:000000000000:stateMachine:et l",
    "arn:aws:states:us-east-1:000000000000:stateMachine:etl*",
    "arn:aws:states:us-east-1:000000000000:stateMachine:etl:pr/od",
    "arn:aws:states:US-EAST-1:000000000000:stateMachine:etl",
    "arn:azure:states:us-east-1:000000000000:stateMachine:etl",
    "arn:aws:states:us-east-1:000000000000:stateMachine:etl\n",
    "arn:aws:states:us-east-1:000000000000:stateMachine:ｅｔｌ٣",
]


def hcl_string(text: str) -> str:
    """A quoted HCL string of ``text`` (JSON's escapes are HCL's, but ${ and %{ start
    templates)."""
    return json.dumps(text).replace("${", "$${").replace("%{", "%%{")


@pytest.fixture(scope="module")
def refused_by_the_module() -> set[str]:
    """The monitors (one a case) the module's plan reports as invalid, by case."""
    # A look-back of 1 minute fits every rate.
    cases = {
        f"e{i:02d}": f"state_machine_arn = {hcl_string(SM)}, schedule_expression = {hcl_string(e)}"
        for i, e in enumerate(EXPRESSIONS)
    }
    cases |= {f"a{i:02d}": f"state_machine_arn = {hcl_string(a)}" for i, a in enumerate(ARNS)}
    monitors = "\n".join(
        f"    {key} = {{ lookback_minutes = 1, {body} }}" for key, body in cases.items()
    )
    call = (
        'module "parity" {\n  source = "../../"\n  name = "parity"\n'
        '  sns_topic_arn = "arn:aws:sns:us-east-1:000000000000:alerts"\n'
        '  read_scope = { state_machine_name_prefixes = [""] }\n'
        f"  monitors = {{\n{monitors}\n  }}\n}}\n"
    )
    errors = [d["detail"] for d in plan_errors([call], mocks())]
    refused = set()
    for detail in errors:
        for entry in re.split(r"\n(?=- [ae][0-9]{2}: )", detail):
            if match := re.match(r"- ([ae][0-9]{2}): (.*)", entry, re.DOTALL):
                key, problems = match[1], match[2]
                # An ARN case is refused for its form; region and account are other rules.
                if key[0] == "e" or "must look like" in problems:
                    refused.add(key)
    return refused


@pytest.mark.terraform  # the module's answers: refused_by_the_module's mocked plan
@pytest.mark.parametrize(("index", "expression"), list(enumerate(EXPRESSIONS)))
def test_schedule_expressions_alike(
    index: int, expression: str, refused_by_the_module: set[str]
) -> None:
    try:
        parse(expression)
        function_accepts = True
    except ScheduleExpressionError:
        function_accepts = False
    assert (f"e{index:02d}" not in refused_by_the_module) == function_accepts


@pytest.mark.terraform
@pytest.mark.parametrize(("index", "arn"), list(enumerate(ARNS)))
def test_state_machine_arns_alike(index: int, arn: str, refused_by_the_module: set[str]) -> None:
    try:
        parse_state_machine_arn(arn)
        function_accepts = True
    except InvalidEventError:
        function_accepts = False
    assert (f"a{index:02d}" not in refused_by_the_module) == function_accepts


@pytest.mark.terraform
def test_the_table_covers_both_answers(refused_by_the_module: set[str]) -> None:
    """A table that both sides accept whole (or refuse whole) would prove nothing."""
    for prefix, table in (("e", EXPRESSIONS), ("a", ARNS)):
        keys = {f"{prefix}{i:02d}" for i in range(len(table))}
        assert keys & refused_by_the_module
        assert keys - refused_by_the_module


def test_the_function_may_put_only_the_source_it_puts() -> None:
    """iam.tf's condition on events:source (main.tf's alert_event_source) names the source
    alerts/bus.py puts."""
    main_tf = (ROOT / "main.tf").read_text(encoding="utf-8")
    assert f'alert_event_source = "{SOURCE}"' in main_tf
