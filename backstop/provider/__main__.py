"""Entry point the engine starts through bin/pulumi-resource-backstop."""

from __future__ import annotations

import sys

from pulumi.provider.experimental import server

from backstop.provider import VERSION
from backstop.provider.dispatcher import BackstopProvider


def main() -> None:
    server.main(sys.argv[1:], VERSION, BackstopProvider())


if __name__ == "__main__":
    main()
