"""Incentive pages (issue 4)."""
