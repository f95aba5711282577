"""Errors a person can act on, raised for bad input (files, options, targets).

Library code raises these and never exits; the command line turns each into
one line on stderr and exit status 2. Broken internal invariants are plain
assertions instead, so a bug is never mistaken for a user's mistake.
"""
from __future__ import annotations

import difflib
from typing import Iterable


class AnalysisInputError(Exception):
    """Input the analysis cannot use: missing or foreign file, unknown name, bad option.

    The message names the input, what was expected and what was found, and a
    suggestion where there is one. Several problems of one input are joined by
    newlines, one problem per line.
    """


def quoted(path) -> str:
    """Quotes a path the way innosim's own messages do: 'results/run.h5'."""
    return f"'{path}'"


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """A '; did you mean 'x'?' suffix for a misspelt name, or '' when nothing is close."""
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""


def unknown_name_message(where: str, what: str, name: str, known: list[str]) -> str:
    """The message for a name that is not among `known`, with a suggestion and the full list.

    `where` is the file, `what` the kind of thing ("metric", "agent panel").
    """
    listing = ", ".join(known) if known else "none"
    return f"{where} has no {what} '{name}'{did_you_mean(name, known)} ({what}s: {listing})"
