"""``python -m claimedit``: the same as the ``claimedit`` command."""

import sys

from claimedit.cli import main

sys.exit(main())
