"""Project tasks: ``nox -s ci`` is what CI runs (see README.md and DEVELOPERS.md).

Each session can also run alone (``nox -s tests``, ``nox -s lint`` …). ``ci`` runs lint,
types, the test suite, the docs build and the examples in one environment, so the
dependencies are installed once.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["ci"]

ROOT = Path(__file__).parent
PYTHON = None  # the interpreter running nox
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
EVERYTHING = ".[all,test,docs,lint]"
PATHS = ["src", "tests", "benchmarks", "examples", "noxfile.py", "docs"]


# Programs from the system's packages that the browser and desktop tests drive: Debian's
# Chromium and ChromeDriver (a test tool's own browser download does not work offline), and a
# virtual X screen for the Tk desktop example.
SYSTEM_PROGRAMS = {
    "chromium": "chromium",
    "chromedriver": "chromium-driver",
    "Xvfb": "xvfb",
    "xauth": "xauth",
    "xdotool": "xdotool",
}


def _system_packages(session: nox.Session) -> None:
    """Install the Debian packages the tests need, when missing and when we may (root, apt)."""
    missing = sorted({pkg for prog, pkg in SYSTEM_PROGRAMS.items() if not shutil.which(prog)})
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        session.warn(
            f"missing system packages {' '.join(missing)}: install them "
            "(Debian: apt-get install) or the browser and desktop tests fail in CI"
        )
        return
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    session.run("apt-get", "update", "-qq", external=True, env=env)
    session.run(
        "apt-get",
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        *missing,
        external=True,
        env=env,
    )


def _install(session: nox.Session, extras: str = EVERYTHING) -> None:
    session.install("--upgrade", "pip", silent=True)
    session.install("-e", extras, silent=True)


def _lint(session: nox.Session) -> None:
    session.run("ruff", "check", *PATHS)
    session.run("ruff", "format", "--check", *PATHS)


def _typecheck(session: nox.Session) -> None:
    session.run("mypy", "src")


def _tests(session: nox.Session) -> None:
    args = session.posargs or ["-n", "auto", "--dist", "loadgroup"]
    session.run("pytest", *args)


def _docs(session: nox.Session) -> None:
    session.run("mkdocs", "build", "--strict", "--site-dir", str(ROOT / "site"))


def _examples(session: nox.Session) -> None:
    session.run("pytest", "examples", "-q")


@nox.session(python=PYTHON)
def ci(session: nox.Session) -> None:
    """Everything CI checks, in one environment: lint, types, tests, docs, examples."""
    _system_packages(session)
    _install(session)
    _lint(session)
    _typecheck(session)
    _tests(session)
    _docs(session)
    _examples(session)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The test suite (unit, property, integration; doctests of src)."""
    _system_packages(session)
    _install(session)
    _tests(session)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff>=0.6", silent=True)
    _lint(session)


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on src."""
    _install(session)
    _typecheck(session)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the MkDocs site with warnings as errors."""
    _install(session)
    _docs(session)


@nox.session(python=PYTHON)
def examples(session: nox.Session) -> None:
    """Run every example's own tests."""
    _system_packages(session)
    _install(session)
    _examples(session)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks against peers, one run each, printed as tables with ratios."""
    _install(session, ".[all,bench]")
    scripts = session.posargs or sorted(str(p) for p in (ROOT / "benchmarks").glob("*.py"))
    for script in scripts:
        if not Path(script).name.startswith("_"):
            session.run("python", script)


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """The demo: a simulated quarter of complaints on an embedded SQLite file."""
    _install(session, ".")
    session.run("iso10002", "demo", *session.posargs)


@nox.session(python=PYTHON)
def soak(session: nox.Session) -> None:
    """The reliability tests, long: 8 x 5,000 load commands, hundreds of state-machine runs.

    ``ISO10002_SOAK=1`` raises every size in ``tests/reliability`` (see its
    ``reliability_support``); single sizes can be set too (``ISO10002_LOAD_COMMANDS=20000``).
    Runs in one process with ``-s`` so the throughput and conflict lines are shown.
    """
    _install(session)
    args = session.posargs or ["tests/reliability", "-s", "-q", "--timeout=0", "-p", "no:randomly"]
    session.run("pytest", *args, env={"ISO10002_SOAK": "1", "HYPOTHESIS_PROFILE": "soak"})


@nox.session(python=PYTHON)
def fuzz(session: nox.Session) -> None:
    """The atheris harnesses in ``tests/fuzz``, each for N seconds (``nox -s fuzz -- 600``).

    A finding stops the harness with the input written to ``crash-*`` in the session's
    temporary folder (printed), to be turned into a regression test.
    """
    _install(session, ".[all,fuzz]")
    seconds = session.posargs[0] if session.posargs else "60"
    harnesses = sorted((ROOT / "tests" / "fuzz").glob("fuzz_*.py"))
    session.chdir(session.create_tmp())
    for harness in harnesses:
        session.run("python", str(harness), f"-max_total_time={seconds}", "-print_final_stats=1")
