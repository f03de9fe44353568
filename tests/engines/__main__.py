"""``python -m tests.engines prefetch``: download the engines' jars and compile
their launchers, so that the test session only starts them."""

import sys

from tests.engines import prefetch

if sys.argv[1:] == ["prefetch"]:
    prefetch()
else:
    sys.exit("usage: python -m tests.engines prefetch")
