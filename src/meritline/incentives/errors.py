"""Stable codes of the incentive app's domain errors (messages are translated where raised)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    REQUIRED = "required"
    INVALID = "invalid"
    DUPLICATE_CODE = "duplicate_code"
    BAD_PLAN = "bad_plan"
    BAD_PERIOD = "bad_period"
    UNKNOWN_SCOPE = "unknown_scope"
    BAD_RATE = "bad_rate"
    TERMS_BACKDATED = "terms_backdated"
    TERMS_HOLDER = "terms_holder"
    VERSION_STATUS = "version_status"
    VERSION_BACKDATED = "version_backdated"
    OWN_VERSION = "own_version"
    NOT_AUTHOR = "not_author"
    RETIRE_DATE = "retire_date"
    RETIRE_PAID = "retire_paid"
    NOT_IN_FORCE = "not_in_force"
    RUN_LOCKED = "run_locked"
    RUN_BUSY = "run_busy"
    RUN_STATUS = "run_status"
    MISSING_TERMS = "missing_terms"
    BAD_INPUTS = "bad_inputs"
    NOT_YOUR_LINE = "not_your_line"
    DISPUTE_OPEN = "dispute_open"
    DISPUTE_DECIDED = "dispute_decided"
    REASON_REQUIRED = "reason_required"
    BAD_DECISION = "bad_decision"
    BAD_AMOUNT = "bad_amount"
    NO_BASELINE = "no_baseline"
