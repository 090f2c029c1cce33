"""Stable codes of the OKR app's domain errors (messages are translated where raised)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    REQUIRED = "required"
    INVALID = "invalid"
    BAD_PERIOD = "bad_period"
    PERIOD_CLOSED = "period_closed"
    BAD_LEVEL = "bad_level"
    TEAM_REQUIRED = "team_required"
    COMPANY_ONLY_HR = "company_only_hr"
    BAD_OWNER = "bad_owner"
    PARENT_OTHER_PERIOD = "parent_other_period"
    PARENT_LEVEL = "parent_level"
    ALIGNMENT_CYCLE = "alignment_cycle"
    WEIGHTS_SUM = "weights_sum"
    TARGET_EQUALS_START = "target_equals_start"
    NEGATIVE_MONEY = "negative_money"
    NOT_WHOLE_FEN = "not_whole_fen"
    BAD_MILESTONE = "bad_milestone"
    UNKNOWN_METRIC = "unknown_metric"
    METRIC_MEASURE = "metric_measure"
    NO_KEY_RESULTS = "no_key_results"
    HAS_CHECK_INS = "has_check_ins"
    METRIC_LINKED = "metric_linked"
    BAD_SCORE = "bad_score"
    NOT_GRADED = "not_graded"
    OWN_REVIEW = "own_review"
    METRICS_FAILED = "metrics_failed"
