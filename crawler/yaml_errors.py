"""PyYAML's errors in one line, for configuration and topic files alike."""

from __future__ import annotations

import yaml


def describe_yaml_error(exc: yaml.YAMLError) -> str:
    """``line 3, column 4: expected <block end>, but found '-'``: PyYAML's own message spans
    several lines with a snippet of the file; a user needs where and what."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is None or not problem:
        return " ".join(str(exc).split())
    context = getattr(exc, "context", None)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" + (f" ({context})" if context else "")
