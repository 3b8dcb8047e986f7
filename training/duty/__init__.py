"""Duty records (代表履职档案): sources gather figures per deputy and year, the
scoring rules (data) turn them into a score with its breakdown."""
