"""The ``AT-S.ERROR:<n>`` numbers the emulated module answers with, each named once.

The numbers and texts are the firmware's (``core/catalog/errors.py``, docs/protocol.md §4.1);
the names say why the emulator gives them. 120 is the emulator's own refusal of what it does
not emulate (``core/explain.py``).
"""

from __future__ import annotations

from spwf_tui.core.explain import EMULATOR_NOT_EMULATED

ERR_NOT_FOUND = 1             # Command not found
ERR_MISSING = 2               # Missing argument(s)
ERR_VARIABLE_NOT_FOUND = 4    # Variable not found
ERR_TOO_MANY = 6              # Too many argument(s)
ERR_INVALID = 7               # Invalid argument(s)
ERR_RADIO_NOT_RUNNING = 18    # Radio not running
ERR_DIRECTION = 19            # Direction must be 'in' or 'out'
ERR_GPIO_NUMBER = 20          # Invalid GPIO Num (0-15)
ERR_DAC_VOLTAGE = 25          # Output voltage not allowed
ERR_PWM_FREQUENCY = 26        # Frequency not supported
ERR_PWM_DUTY = 27             # Duty cycle not supported
ERR_PWM_NOT_RUNNING = 28      # PWM not running
ERR_TOO_BIG = 32              # Argument exceeds allowed size
ERR_LINE_TOO_LONG = ERR_TOO_BIG  # a console line longer than the firmware's buffer
ERR_ZERO = 33                 # Argument evaluated to zero
ERR_OPEN = 51                 # Unable to open file
ERR_SEEK = 52                 # Unable to seek file
ERR_RENAME = 55               # Unable to rename file
ERR_DELETE = 56               # Unable to delete file
ERR_IP_NOT_READY = 60         # IP not ready to send
ERR_DNS = 65                  # DNS address failure
ERR_PORT_OPEN = 73            # Port already opened
ERR_OPEN_FAILED = 74          # Failed to open socket
ERR_TOO_MANY_SOCKETS = 75     # Too many sockets
ERR_ILLEGAL_ID = 76           # Illegal Socket ID
ERR_PENDING = 77              # Pending data
ERR_NOT_CONNECTED = 78        # Socket not connected
ERR_WRITE_FAILED = 79         # Write failed
ERR_LOW_MEMORY = 91           # Low Memory
ERR_REQUEST_FAILED = 111      # Request failed
ERR_NOT_EMULATED = EMULATOR_NOT_EMULATED
"""The emulator's own code, 120 (the firmware's table ends at 111): the command exists on the
module but this emulator does not do what it does, so it refuses instead of faking success.
``core.explain`` explains it from the same constant."""
