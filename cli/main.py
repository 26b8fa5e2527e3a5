"""``policysim``: parse arguments, call one library function, map the result to an exit code.

A user's mistake (a :class:`~policy.errors.PolicysimError`) is printed on one line to stderr
and exits 2; no traceback.
"""

from __future__ import annotations

import argparse
import enum
import sys
from collections.abc import Sequence
from typing import NoReturn

from policy import PolicysimError


class ExitCode(enum.IntEnum):
    OK = 0
    FAILED = 1       # test failures, findings, some records not decided
    BAD_INPUT = 2    # a malformed file, record or argument


class _Parser(argparse.ArgumentParser):
    """Usage mistakes as one line, like every other message: ``policysim: <command>: <problem>``."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("policysim").strip()
        print(f"policysim: {command + ': ' if command else ''}{message} (see --help)", file=sys.stderr)
        sys.exit(ExitCode.BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    from . import (
        assumptions_cmd,
        compare_cmds,
        merge_cmd,
        policy_cmds,
        regress_cmd,
        scenario_cmd,
        sim_cmds,
        sweep_cmd,
    )

    parser = _Parser(
        prog="policysim",
        description="Rule engine and policy simulator for epidemic control measures.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    policy_cmds.add_commands(commands)
    sim_cmds.add_commands(commands)
    scenario_cmd.add_command(commands)
    assumptions_cmd.add_command(commands)
    compare_cmds.add_commands(commands)
    sweep_cmd.add_command(commands)
    merge_cmd.add_command(commands)
    regress_cmd.add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except PolicysimError as exc:
        print(f"policysim: {exc}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    except KeyboardInterrupt:
        print("policysim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`); not an error
        return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
