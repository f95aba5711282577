"""`python3 -m analysis`: see analysis/cli.py and docs/analysis.md."""
import sys

from .cli import main

sys.exit(main())
