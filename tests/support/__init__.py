"""Helpers shared by test modules: dates relative to the code's clock, CPU-time budgets."""
