"""What to look at when YAML cannot read a file: the hint added to a syntax error.

PyYAML says where it gave up, in its own words ("expected <block end>, but found
'<block mapping start>'"); the mistake is usually a tab in the indentation (YAML allows
only spaces), a quote not closed, a value holding ``": "`` that needs quotes, or a line
indented differently from the lines above it.
"""

from __future__ import annotations

import yaml

__all__ = ["opens_quote", "syntax_hint"]


#: Words of PyYAML's syntax errors that a mis-indented line causes.
INDENTATION_ERRORS = (
    "expected <block end>",
    "mapping values are not allowed",
    "could not find expected ':'",
    "did not find expected key",
    "did not find expected '-' indicator",
    "expected <document start>",
)


def opens_quote(line: str) -> bool:
    """Whether ``line``'s value (after ``key:`` or ``-``) starts with a quote it does not close."""
    body = line.strip()
    value = body[2:] if body.startswith("- ") else body.partition(": ")[2] if ": " in body else ""
    value = value.strip()
    if not value or value[0] not in "'\"":
        return False
    quote, rest = value[0], value[1:]
    if quote == "'":
        return rest.replace("''", "").count("'") == 0
    i = 0
    while i < len(rest):
        if rest[i] == "\\":
            i += 2
            continue
        if rest[i] == '"':
            return False
        i += 1
    return True


def syntax_hint(text: str, line: int, problem: str, exc: yaml.MarkedYAMLError, before: str) -> str:
    """What to look at for a syntax error: a tab (YAML refuses tabs in indentation), an unclosed
    quote, a value holding ``": "``, or the indentation of the line and those above it."""
    lines = text.splitlines()
    tabs = [i for i, ln in enumerate(lines, 1) if "\t" in ln]
    if tabs:
        lead = [i for i in tabs if "\t" in lines[i - 1][: len(lines[i - 1]) - len(lines[i - 1].lstrip())]]
        upto = [i for i in lead or tabs if i <= line]
        at = line if line in tabs else (upto[-1] if upto else (lead or tabs)[0])
        return f"; hint: YAML does not allow tabs for indentation; line {at} has a tab"
    opened = exc.context_mark
    if "quoted scalar" in str(exc.context or "") and opened is not None:
        return f"; hint: the quote opened on line {opened.line + 1} is not closed"
    unclosed = next((i for i, ln in enumerate(lines[:line], 1) if opens_quote(ln)), None)
    if unclosed is not None:  # a quoted value may run over lines: YAML reads on to the next quote
        return f"; hint: the quote opened on line {unclosed} is not closed on that line"
    if ": " in before.split("#")[0].strip():
        return "; hint: a value that holds ': ' must be quoted, e.g. 'a: b'"
    if any(words in problem for words in INDENTATION_ERRORS):
        return f"; hint: check the indentation of line {line} and the lines above it"
    return ""
