"""The parser pieces every command group shares: a parser that exits 2, argument types."""

from __future__ import annotations

import argparse
import sys


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # exit 2 with a one-line message
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def whole(minimum: int, what: str):
    """argparse type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, found '{text}'") from None
        if v < minimum:
            raise argparse.ArgumentTypeError(f"{what} is a whole number of at least {minimum}, found {v}")
        return v

    return parse


positive = whole(1, "this")
seed = whole(0, "a seed")


def open_in_browser(path) -> None:
    """Open a written page in the default browser (``--open``)."""
    import webbrowser

    webbrowser.open(path.resolve().as_uri())
