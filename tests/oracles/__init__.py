"""Analytic references used only by tests (never by the model)."""
