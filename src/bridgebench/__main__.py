import sys

from bridgebench.cli import main

sys.exit(main())
