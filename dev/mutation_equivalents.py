"""Surviving mutants that no test can kill, each with why: `make mutation` counts them
apart (dev/mutation.py) and fails on any other survivor.

mutmut numbers the mutants of a function in order, so an edit to a function renumbers
them: the report then shows its survivors again, to be reviewed and listed anew.
"""

from __future__ import annotations

_P = "sfn_deadline_monitor."

_ONLY_SLOWER = (
    "the walk of wall times starts further from the bound; the search skips walls on the "
    "wrong side of it, so only its number of steps changes"
)
_SAME_LAST = "the last '/'-separated part of the ARN or URL, however it is split"
_SAME_FIRST = "the part before the first ':', however the error text is split"
_STRICT = "zip of two 3-tuples: strict or not, the same pairs"
_WHOLE = "int(x / 60) equals x // 60 for the non-negative seconds of a timedelta"
_CASELESS = "condition keys are compared lowercased (iam_conditions.satisfied)"
_NAME_LAST = "the part after the ARN's last ':', however it is split"
_HAS_RESPONSE = "a botocore ClientError always has its response"
_REFUSED_ITEM = (
    "a refusal carries the item (ALL_OLD) whenever the condition needs one to fail; only "
    "release's can lack it, and release ignores what comes back"
)

# mutmut's mutant name (`make mutation` prints it with its diff) -> why no behaviour differs.
EQUIVALENT: dict[str, str] = {
    # check/maintenance.py
    f"{_P}check.maintenance.xǁMaintenanceWindowǁend_covering__mutmut_2": (
        "a window without a schedule always has both ends (parse_windows): the assert only "
        "tells mypy so"
    ),
    # alerts/bus.py
    _P + "alerts.bus.x_put_alert_event__mutmut_26": "ensure_ascii=None is falsy, as False",
    # check/fire_times.py
    _P + "check.fire_times.x__days__mutmut_19": "first is used only modulo 7 (weekday())",
    _P + "check.fire_times.x__days__mutmut_44": "days past the month's last are filtered out",
    **{
        _P + f"check.fire_times.x__walls__mutmut_{n}": _ONLY_SLOWER
        for n in (17, 21, 32, 34, 38, 43, 45, 49, 54)
    },
    _P + "check.fire_times.x__search__mutmut_16": _ONLY_SLOWER + " (a 28th hour back)",
    _P + "check.fire_times.x__search__mutmut_21": _ONLY_SLOWER + " (a later start, backward)",
    **{_P + f"check.fire_times.x__evaluate__mutmut_{n}": _STRICT for n in (22, 25, 32)},
    _P + "check.fire_times.x_skipped_fire__mutmut_21": "forward=None is falsy, as False",
    # audit/rules.py
    _P + "audit.rules.x__quiet__mutmut_50": _WHOLE,
    _P + "audit.rules.x__quiet__mutmut_62": _WHOLE,
    # doctor/checks.py
    **{_P + f"doctor.checks.x_queue__mutmut_{n}": _SAME_LAST for n in (5, 8, 9)},
    # doctor/access.py
    **{_P + f"doctor.access.x_publish__mutmut_{n}": _SAME_LAST for n in (5, 8, 9)},
    **{_P + f"doctor.access.x_role_actions__mutmut_{n}": _SAME_LAST for n in (5, 8, 9)},
    **{_P + f"doctor.access.x__faults__mutmut_{n}": _SAME_FIRST for n in (16, 17, 22)},
    _P + "doctor.access.x__faults__mutmut_20": "a read without an error has no fault code, "
    "nor has 'XXXX'",
    # doctor/iam_policy.py
    _P + "doctor.iam_policy.x_decide__mutmut_3": _CASELESS,
    _P + "doctor.iam_policy.x_decide__mutmut_4": _CASELESS,
    _P + "doctor.iam_policy.x_decide__mutmut_102": "the first of the slice is the account",
    _P + "doctor.iam_policy.x_decide__mutmut_103": "a resource without an account matches no "
    "principal's account, be it '' or 'XXXX'",
    _P + "doctor.iam_policy.x__applies__mutmut_17": "ignore_case=None is falsy, as False",
    _P + "doctor.iam_policy.x__condition__mutmut_1": "both sides of the comparison are "
    "upper-cased alike",
    # check/executions.py
    _P + "check.executions.x_list_window_executions__mutmut_4": "only the token's truth is "
    "read: '' and None are both false",
    **{_P + f"check.executions.x__execution__mutmut_{n}": _NAME_LAST for n in (23, 29, 30)},
    # state/store.py
    **{_P + f"state.store.xǁStateStoreǁ_write_if__mutmut_{n}": _REFUSED_ITEM for n in (12, 14)},
    **{_P + f"state.store.xǁStateStoreǁ_write_if__mutmut_{n}": _HAS_RESPONSE for n in (17, 20)},
    # alerts/delivery.py
    _P + "alerts.delivery.x_remember__mutmut_30": "record stores `since or as_of`: a since of "
    "None is the as_of beside it, which since_if returns for a new status",
    # doctor/iam_conditions.py
    _P + "doctor.iam_conditions.x__test__mutmut_23": "no wildcard operator ignores case: "
    "ignore_case=None is falsy, as False",
    _P + "doctor.iam_conditions.x__test__mutmut_26": "no wildcard operator ignores case: "
    "the default is False",
}
