"""docs/doctor-findings.md: every line `doctor` can print, by check, from a table of cases
that takes each branch of its judgements (doctor/checks.py, doctor/access.py) once.

A reader finds there what a FAIL means and what to do; the suite
(tests/test_doctor_judgement.py) fails when a judgement prints anything else, so a change
of level, of wording or of a fix is a reviewed change of this file.

    PYTHONPATH=lambda_src python -m dev.doctor_findings [--check]
"""

from __future__ import annotations

from collections.abc import Callable

from dev import generated
from sfn_deadline_monitor.doctor import access, checks
from sfn_deadline_monitor.doctor.checks import Finding, Level
from sfn_deadline_monitor.doctor.iam_policy import Decision
from testkit.paths import ROOT

DOC = ROOT / "docs" / "doctor-findings.md"

ACCOUNT, MEMBER = "123456789012", "210987654321"
FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:team-sfn-deadline-check"
OTHER_FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:other"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:team-alerts"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
BUS = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/incidents"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ops/team-sfn-deadline-check"
MEMBER_ROLE = f"arn:aws:iam::{MEMBER}:role/team-sfn-deadline-read"
QUEUE = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/team-sfn-deadline-check-failures"
DENIED = Decision(False, "the permissions boundary does not allow it")
UNSURE = Decision(None, "only under a condition do the role's policies (statement X) allow it")
ALLOWED = Decision(True, "allowed")


def machine(name: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:states:us-east-1:{account}:stateMachine:{name}"


def schedule(name: str, state: str = "ENABLED", target: str = FUNCTION) -> dict[str, object]:
    return {"Name": name, "State": state, "Target": {"Arn": target}}


def alarm(actions: list[str], enabled: bool = True) -> dict[str, object]:
    return {"ActionsEnabled": enabled, "AlarmActions": actions}


# Each check, and its cases: what doctor read, and the lines it prints for it.
CASES: dict[str, list[tuple[str, Callable[[], list[Finding]]]]] = {
    "The state table": [
        ("ACTIVE, with its registry", lambda: [checks.table("team-state", "ACTIVE", 3)]),
        ("still being created", lambda: [checks.table("team-state", "CREATING", 0)]),
    ],
    "The function": [
        ("gone", lambda: [checks.function(FUNCTION, None)]),
        (
            "not Active",
            lambda: [checks.function(FUNCTION, {"State": "Failed", "StateReason": "No ENI"})],
        ),
        ("Pending, no reason given", lambda: [checks.function(FUNCTION, {"State": "Pending"})]),
        ("Active", lambda: [checks.function(FUNCTION, {"State": "Active"})]),
        ("no State reported (Active)", lambda: [checks.function(FUNCTION, {})]),
    ],
    "The topics": [
        ("the alert topic gone", lambda: [checks.topic("alert", TOPIC, None)]),
        ("the alarm topic gone", lambda: [checks.topic("alarm", TOPIC, None)]),
        ("present", lambda: [checks.topic("alert", TOPIC, {"TopicArn": TOPIC})]),
    ],
    "Publishing (the function's role, the topic's policy, its key)": [
        (
            "a layer denies",
            lambda: [
                access.publish(
                    ROLE, TOPIC, {("sns:Publish", TOPIC): ALLOWED, ("kms:Decrypt", KEY): DENIED}
                )
            ],
        ),
        (
            "a condition decides",
            lambda: [access.publish(ROLE, TOPIC, {("sns:Publish", TOPIC): UNSURE})],
        ),
        (
            "allowed",
            lambda: [
                access.publish(
                    ROLE,
                    TOPIC,
                    {("sns:Publish", TOPIC): ALLOWED, ("kms:GenerateDataKey", KEY): ALLOWED},
                )
            ],
        ),
    ],
    "Alert events (event_bus_name: the bus, the function's role)": [
        ("the bus gone", lambda: [access.put_events(ROLE, BUS, False, ALLOWED)]),
        ("the role refused", lambda: [access.put_events(ROLE, BUS, True, DENIED)]),
        ("a condition decides", lambda: [access.put_events(ROLE, BUS, True, UNSURE)]),
        ("allowed", lambda: [access.put_events(ROLE, BUS, True, ALLOWED)]),
    ],
    "Customer managed keys": [
        *(
            (f"the {use} key gone", lambda use=use: [access.key(use, KEY, None, [])])
            for use in [*access.KEY_USES, "other"]
        ),
        ("disabled", lambda: [access.key("logs", KEY, ("Disabled", []), [])]),
        (
            "its policy lacks statements",
            lambda: [
                access.key(
                    "alert_topic",
                    KEY,
                    ("Enabled", []),
                    [
                        {"Sid": "SfnDeadlineFunctionPublishes", "Effect": "Allow"},
                        {"Effect": "Allow"},
                    ],
                )
            ],
        ),
        (
            "enabled, holding what is required",
            lambda: [
                access.key(
                    "logs",
                    KEY,
                    ("Enabled", [{"Effect": "Allow", "Action": "kms:*", "Principal": "*"}]),
                    [{"Effect": "Allow", "Action": "kms:Decrypt", "Principal": "*"}],
                )
            ],
        ),
    ],
    "Schedule groups": [
        ("gone", lambda: checks.schedules("deadline", "team", {"a": True}, None, FUNCTION)),
        (
            "each kind of problem",
            lambda: checks.schedules(
                "deadline",
                "team",
                {
                    **{f"m{n}": True for n in range(7)},
                    "off": True,
                    "untargeted": True,
                    "elsewhere": True,
                    "paused": False,
                },
                [
                    schedule("off", "DISABLED"),
                    schedule("elsewhere", target=OTHER_FUNCTION),
                    schedule("paused"),
                    schedule("by-hand"),
                    {"Name": "untargeted", "State": "ENABLED"},
                ],
                FUNCTION,
            ),
        ),
        (
            "as declared, one paused",
            lambda: checks.schedules(
                "start",
                "team-start",
                {"a": True, "b": False},
                [schedule("a"), schedule("b", "DISABLED")],
                FUNCTION,
            ),
        ),
        (
            "as declared",
            lambda: checks.schedules("deadline", "team", {"a": True}, [schedule("a")], FUNCTION),
        ),
    ],
    "Names, a few of many": [
        (
            "exactly as many as shown",
            lambda: checks.failure_rules({f"r{n}": None for n in range(5)}, FUNCTION),
        ),
    ],
    "Failure rules": [
        (
            "each kind of problem",
            lambda: checks.failure_rules(
                {
                    "gone": None,
                    "off": ("DISABLED", [FUNCTION]),
                    "elsewhere": ("ENABLED", [OTHER_FUNCTION]),
                },
                FUNCTION,
            ),
        ),
        ("as declared", lambda: checks.failure_rules({"r": ("ENABLED", [FUNCTION])}, FUNCTION)),
        ("none declared (no line)", lambda: checks.failure_rules({}, FUNCTION)),
    ],
    "Alarms": [
        (
            "each kind of problem",
            lambda: checks.alarms(
                ["gone", "muted", "silent", "elsewhere"],
                {
                    "muted": alarm([TOPIC], enabled=False),
                    "silent": alarm([]),
                    "elsewhere": alarm([TOPIC + "-other"]),
                },
                TOPIC,
            ),
        ),
        (
            "two muted, one reporting neither setting",
            lambda: checks.alarms(
                ["a", "b", "c"],
                {"a": alarm([TOPIC], enabled=False), "b": alarm([TOPIC], enabled=False), "c": {}},
                TOPIC,
            ),
        ),
        ("as declared", lambda: checks.alarms(["a"], {"a": alarm([TOPIC])}, TOPIC)),
        (
            "actions enabled unless said otherwise",
            lambda: checks.alarms(["a"], {"a": {"AlarmActions": [TOPIC]}}, TOPIC),
        ),
        ("none declared (no line)", lambda: checks.alarms([], {}, TOPIC)),
    ],
    "Failure queues": [
        *(
            (f"the {use} queue gone", lambda use=use: [checks.queue(use, QUEUE, None)])
            for use in [*checks.QUEUES, "other"]
        ),
        *(
            (f"the {use} queue holds messages", lambda use=use: [checks.queue(use, QUEUE, 2)])
            for use in [*checks.QUEUES, "other"]
        ),
        ("empty", lambda: [checks.queue("check_failures", QUEUE, 0)]),
    ],
    "State machines read with the function's role": [
        (
            "missing, EXPRESS, refused, undecided",
            lambda: access.state_machines(
                ACCOUNT,
                {
                    "gone": machine("gone"),
                    "fast": machine("fast"),
                    "denied": machine("denied"),
                    "unsure": machine("unsure"),
                },
                {
                    machine("fast"): "EXPRESS",
                    machine("denied"): "STANDARD",
                    machine("unsure"): None,
                },
                {"gone": DENIED, "denied": DENIED, "unsure": UNSURE},
            ),
        ),
        (
            "present and readable",
            lambda: access.state_machines(
                ACCOUNT, {"a": machine("a")}, {machine("a"): "STANDARD"}, {"a": ALLOWED}
            ),
        ),
        (
            "present, the role not read",
            lambda: access.state_machines(
                ACCOUNT, {"a": machine("a")}, {machine("a"): "STANDARD"}, {}
            ),
        ),
    ],
    "Member roles": [
        (
            "each kind of problem",
            lambda: access.member_role(
                MEMBER_ROLE,
                DENIED,
                None,
                machines={
                    "gone": machine("gone", MEMBER),
                    **{f"r{n}": machine(f"r{n}", MEMBER) for n in range(6)},
                },
                listed=None,
                list_error="AccessDenied: not authorized to perform states:ListStateMachines",
                reads={
                    "gone": "StateMachineDoesNotExist: State Machine Does Not Exist",
                    **{f"r{n}": "AccessDenied: no" for n in range(6)},
                },
            ),
        ),
        (
            "undecided, and your credentials may not assume it",
            lambda: access.member_role(
                MEMBER_ROLE,
                UNSURE,
                "AccessDenied: not trusted",
                machines={},
                listed=None,
                list_error=None,
                reads={},
            ),
        ),
        (
            "listed, one state machine missing",
            lambda: access.member_role(
                MEMBER_ROLE,
                ALLOWED,
                None,
                machines={"a": machine("a", MEMBER), "gone": machine("gone", MEMBER)},
                listed={machine("a", MEMBER): "STANDARD"},
                list_error=None,
                reads={"a": None, "gone": None},
            ),
        ),
        (
            "assumed, listed and read",
            lambda: access.member_role(
                MEMBER_ROLE,
                ALLOWED,
                None,
                machines={"a": machine("a", MEMBER)},
                listed={machine("a", MEMBER): "STANDARD"},
                list_error=None,
                reads={"a": None},
            ),
        ),
        (
            "assumed and read, not listed",
            lambda: access.member_role(
                MEMBER_ROLE,
                None,
                None,
                machines={"a": machine("a", MEMBER)},
                listed=None,
                list_error=None,
                reads={"a": None},
            ),
        ),
    ],
    "Each action a role uses": [
        (
            "not granted, and refused",
            lambda: [
                access.role_actions(
                    "check_function",
                    ROLE,
                    ["sns:Publish", "sqs:SendMessage", "dynamodb:GetItem"],
                    {"sns:Publish": [(TOPIC, DENIED), (TOPIC + "-2", ALLOWED)]},
                )
            ],
        ),
        (
            "not granted only",
            lambda: [access.role_actions("scheduler", ROLE, ["sqs:SendMessage"], {})],
        ),
        (
            "refused only",
            lambda: [
                access.role_actions(
                    "scheduler", ROLE, ["sns:Publish"], {"sns:Publish": [(TOPIC, DENIED)]}
                )
            ],
        ),
        (
            "undecided",
            lambda: [
                access.role_actions(
                    "check_function",
                    ROLE,
                    ["sns:Publish"],
                    {"sns:Publish": [(f"{TOPIC}-{n}", UNSURE) for n in range(6)]},
                )
            ],
        ),
        (
            "allowed",
            lambda: [
                access.role_actions(
                    "scheduler", ROLE, ["sns:Publish"], {"sns:Publish": [(TOPIC, ALLOWED)]}
                )
            ],
        ),
    ],
    "Checks the caller could not make": [
        ("a read refused", lambda: [checks.unverified("the function's role", "AccessDenied")]),
    ],
}


def render() -> str:
    lines = [
        "# What `doctor` prints",
        "",
        "Every line `doctor` can print, by check ([commands](commands.md#doctor)): **FAIL**",
        "a check, alert or alarm will be lost; **WARN** something differs from what was",
        "declared, or could not be verified; **PASS** verified. Generated by",
        "`python -m dev.doctor_findings` from its table of cases, which takes each branch of",
        "the judgements (`doctor/checks.py`, `doctor/access.py`) once; the suite fails when",
        "they print anything else. The last line of a run counts them, for example:",
        "",
        "```text",
        checks.summary([Finding(Level.PASS, ""), Finding(Level.FAIL, ""), Finding(Level.WARN, "")]),
        "```",
    ]
    for title, cases in CASES.items():
        lines += ["", f"## {title}"]
        for case, judge in cases:
            printed = [finding.line() for finding in judge()]
            lines += ["", f"{case}:", "", "```text", *(printed or ["(no line)"]), "```"]
    return "\n".join(lines) + "\n"


def main() -> None:
    args = generated.parser(__doc__.splitlines()[0]).parse_args()
    command = "PYTHONPATH=lambda_src python -m dev.doctor_findings"
    raise SystemExit(generated.publish({DOC: render()}, check=args.check, command=command))


if __name__ == "__main__":
    main()
