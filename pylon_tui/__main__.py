import sys

from pylon_tui.cli import main

sys.exit(main())
