"""``python -m vstudy`` = the ``vstudy`` command."""

import sys

from vstudy.cli import main

sys.exit(main())
