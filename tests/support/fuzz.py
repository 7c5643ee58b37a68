"""The example budget of the property tests: what CI affords, or more for a campaign by hand.

``budget(300)`` is 300 in CI. ``SPWF_TUI_FUZZ_EXAMPLES=20000`` raises every budget to 20000 (never
lowers one), for a long run such as::

    SPWF_TUI_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest tests/unit -k "never or chunking or fuzz" \\
        --hypothesis-seed=1 --hypothesis-show-statistics -p no:cacheprovider
"""

from __future__ import annotations

import os

FUZZ_ENV = "SPWF_TUI_FUZZ_EXAMPLES"


def budget(ci_examples: int) -> int:
    """Examples a property test tries: ``ci_examples``, or the campaign's number when larger."""
    raised = os.environ.get(FUZZ_ENV, "")
    return max(ci_examples, int(raised)) if raised.isdigit() else ci_examples
