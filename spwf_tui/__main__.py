"""Allow ``python -m spwf_tui``."""

from spwf_tui.cli import main

raise SystemExit(main())
