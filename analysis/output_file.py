"""Writing a result file: refuse to replace one without --force, and write it atomically.

A file is written to a temporary name beside the output and renamed onto it,
so it is either complete or absent, never half written.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import AnalysisInputError, quoted


def check_output(output: Path, force: bool) -> None:
    """Fails early, before any work, when the report could not or should not be written."""
    if output.exists() and not force:
        raise AnalysisInputError(f"{quoted(output)} exists; use --force to replace it")
    if output.is_dir():
        raise AnalysisInputError(f"{quoted(output)} is a folder; give a file name such as report.html")
    if not output.parent.exists():
        raise AnalysisInputError(f"cannot write {quoted(output)}: folder {quoted(output.parent)} does not exist")


def write_atomically(text: str, output: Path, force: bool) -> None:
    """Writes to a temporary file in the same folder, then renames it onto `output` (atomic on POSIX)."""
    check_output(output, force)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".partial", dir=output.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
