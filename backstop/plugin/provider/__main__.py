"""Entry point the engine starts through bin/pulumi-resource-backstop."""

from __future__ import annotations

import sys

from pulumi.provider.experimental import server

from backstop.plugin.provider import VERSION
from backstop.plugin.provider.dispatcher import BackstopProvider
from backstop.plugin.provider.lifeline import watch_parent


def main() -> None:
    watch_parent()
    server.main(sys.argv[1:], VERSION, BackstopProvider())


if __name__ == "__main__":
    main()
