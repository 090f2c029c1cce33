"""Stable codes of the performance app's domain errors (messages are translated where
raised)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    REQUIRED = "required"
    INVALID = "invalid"
    DUPLICATE_CODE = "duplicate_code"
    BAD_TEMPLATE = "bad_template"
    WEIGHTS_SUM = "weights_sum"
    BAD_STAGE = "bad_stage"
    VERSION_BACKDATED = "version_backdated"
    BAD_PERIOD = "bad_period"
    BAD_CADENCE = "bad_cadence"
    BAD_RULES = "bad_rules"
    CYCLE_EXISTS = "cycle_exists"
    CYCLE_STATUS = "cycle_status"
    NOBODY_IN_SCOPE = "nobody_in_scope"
    AMBIGUOUS_TEMPLATE = "ambiguous_template"
    NEGATIVE_TARGET = "negative_target"
    BAD_LEVEL = "bad_level"
    UNKNOWN_OWNER = "unknown_owner"
    UNKNOWN_KPI = "unknown_kpi"
    NOT_MANUAL = "not_manual"
    BAD_INPUTS = "bad_inputs"
    NOT_POSITIVE = "not_positive"
    REASON_REQUIRED = "reason_required"
    UNKNOWN_GRADE = "unknown_grade"
    NOT_IN_CYCLE = "not_in_cycle"
    NOT_SCORED = "not_scored"
    OWN_APPRAISAL = "own_appraisal"
