"""What every atheris harness here runs as its ``main``: seeds in a folder, then fuzzing."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path


def fuzz_main(one_input: Callable[[bytes], None], seeds: Iterable[bytes]) -> None:
    """Fuzz from ``seeds`` (in a folder of their own, unless folders are given) until stopped."""
    import atheris

    argv = list(sys.argv)
    if not any(Path(arg).is_dir() for arg in argv[1:]):
        folder = Path(tempfile.mkdtemp(prefix="iso10002-fuzz-"))
        for n, seed in enumerate(seeds):
            (folder / f"seed-{n}").write_bytes(seed)
        argv.append(str(folder))
    atheris.instrument_all()  # the library is imported already: instrument what is loaded
    atheris.Setup(argv, one_input)
    atheris.Fuzz()
