"""``AT-S.ERROR:<code>:<text>`` codes as data.

Source: ``docs/protocol.md`` §4.1. Numbers come from ST's X-CUBE-WIFI1 host middleware [C],
texts from the FW 1.1.0 string pool [F]; ``other_texts`` holds the FW 1.0.0 / X-CUBE wording where
it differs. Only 74, 76, 77, 78 and 111 are confirmed by real traffic. The ``explain`` sentences
combine its TLS and socket sections (§6, §7) with plain reading of the
text; they say what to check, not what the firmware does inside.
"""

from __future__ import annotations

from spwf_tui.core.catalog.schema import ErrorCode

_E = ErrorCode

ERRORS: tuple[ErrorCode, ...] = (
    _E(1, "Command not found",
       "The module does not know this command: check the spelling (AT+S.<NAME>; AT+S.HELP lists "
       "them). SPWF01 commands such as FSA, TLSCERT2, SETTIME and TLSDOMAIN do not exist on SPWF04: "
       "use FSC (again to append), TLSCERT, TIME and the 4th SOCKON field."),
    _E(2, "Missing argument(s)",
       "A required field is missing; compare the line with the command's syntax and keep the "
       "empty fields (,,) it requires."),
    _E(4, "Variable not found",
       "No variable has that name; list the real names with AT+S.GCFG (or AT+S.STS). SPWF01 names "
       "such as console1_*, localecho1, ip_use_dhcp or wind_off_* do not exist on SPWF04 (use "
       "console_*, console_echo, ip_use_dhcpc, console_wind_off_*)."),
    _E(6, "Too many argument(s)",
       "The line has more fields than the command takes; look for an extra field or a comma "
       "inside a value (the comma is the parameter delimiter)."),
    _E(7, "Invalid argument(s)",
       "A field holds a value the command does not accept (text where a number belongs, or a "
       "keyword outside the listed choices); check it against the syntax."),
    _E(18, "Radio not running",
       "The command needs the radio, which is off; switch it on with AT+S.WIFI=1 and wait for "
       "+WIND:32:WiFi Hardware Started."),
    _E(19, "Direction must be 'in' or 'out'",
       "The second field of AT+S.GPIOC must be in or out."),
    _E(20, "Invalid GPIO Num (0-15)",
       "Use a GPIO number from 0 to 15."),
    _E(21, "Cannot use GPIO6 when sleep_enabled",
       "GPIO6 is reserved while sleep_enabled is 1; use another pin or set sleep_enabled to 0."),
    _E(22, "Cannot use interrupt. Reserved for WPS feature",
       "That pin's interrupt is reserved for WPS (ST's middleware names GPIO7); pick another GPIO.",
       other_texts=("Cannot use GPIO7. Reserved for WPS feature",)),
    _E(23, "Cannot use GPIO10 when blink_led",
       "GPIO10 drives the status LED while blink_led is 1; set blink_led to 0 to use the pin."),
    _E(24, "Cannot use when SPI",
       "This pin is taken by the SPI host interface (ST's middleware names GPIO3); it is not "
       "available while the console is on SPI.",
       other_texts=("Cannot use GPIO3 when spi_console",)),
    _E(25, "Output voltage not allowed",
       "The DAC value is out of range; give 0 (off) or a value in mV up to 3300."),
    _E(26, "Frequency not supported",
       "The PWM frequency is not supported; try another value."),
    _E(27, "Duty cycle not supported",
       "The PWM duty cycle is not supported; try another value."),
    _E(28, "PWM not running",
       "There is no PWM running on that pin to change or stop; start it first with AT+S.PWM."),
    _E(29, "Volume not mounted",
       "The volume is not mounted; mount it with AT+S.FSM=<volume>. This text comes from ST's host "
       "middleware and is not in the FW 1.x error pool, so the module may never send it."),
    _E(32, "Argument exceeds allowed size",
       "A value is longer or larger than the field allows (e.g. a text beyond a variable's maximum "
       "length); shorten it."),
    _E(33, "Argument evaluated to zero",
       "A numeric field that must not be zero is 0 or not a number; give a positive value."),
    _E(39, "PIN needs to be 7 digits",
       "The WPS PIN must have 7 digits (the factory wifi_wps_pin is 1234567).",
       other_texts=("PIN needs to be 8 digits",)),
    _E(40, "Scan in Progress",
       "A scan is already running; wait for +WIND:35:WiFi Scan Complete and retry."),
    _E(41, "Scan Failed",
       "The scan could not be run; check that the radio is on (AT+S.WIFI=1) and retry."),
    _E(42, "Wait for Hardware Busy",
       "The radio is busy; wait a moment and retry."),
    _E(43, "Wait for Hardware Starting",
       "The radio is still starting; wait for +WIND:32:WiFi Hardware Started and retry."),
    _E(44, "Unable to complete PWM setting",
       "The PWM could not be set up with these values; check the pin (2 or 4), the frequency and "
       "the duty cycle."),
    _E(47, "ADC conversion failed",
       "The ADC reading failed; check the pin (0, 1 or 16) and retry."),
    _E(50, "Unable to access filesystem",
       "The file system could not be accessed; check that the volume is mounted (AT+S.FSM) and "
       "the volume part of the file name.",
       other_texts=("Unable to access RAM filesystem",)),
    _E(51, "Unable to open file",
       "The file could not be opened; check the name with AT+S.FSL (it may not exist, or the volume "
       "may be full or read-only)."),
    _E(52, "Unable to seek file",
       "The offset could not be reached; compare the AT+S.FSP offset with the size AT+S.FSL shows."),
    _E(53, "Unable to read file",
       "Reading the file failed; check it with AT+S.FSL and that its volume is mounted."),
    _E(54, "Unable to close file",
       "Closing the file failed, so the write may be incomplete; check the file with AT+S.FSL."),
    _E(55, "Unable to rename file",
       "The rename failed: the old name may not exist or the new one may be taken; check with "
       "AT+S.FSL."),
    _E(56, "Unable to delete file",
       "The delete failed: the file may not exist or may sit on a read-only volume; check with "
       "AT+S.FSL."),
    _E(57, "Unable to open directory",
       "The volume could not be listed; check that it is mounted (AT+S.FSM)."),
    _E(58, "Unable to read directory",
       "Listing the volume failed; remount it and retry."),
    _E(59, "Unable to (un)mount volume",
       "The volume could not be mounted or unmounted; check the volume number (0 SD card, 1 user "
       "flash, 2 RAM disk, 3 application flash) and that the medium is present.",
       other_texts=("Unable to unmount volume",)),
    _E(60, "IP not ready to send",
       "The module has no IP address yet; join a network first and wait for +WIND:24:WiFi Up "
       "before opening sockets or sending."),
    _E(61, "Cannot renew IP address",
       "A DHCP renew is not possible right now; check that the module is joined and uses DHCP "
       "(ip_use_dhcpc)."),
    _E(62, "Failed to renew IP address",
       "The DHCP renew did not succeed; check the access point's DHCP server and retry."),
    _E(63, "DNS busy",
       "Another name lookup is still running; wait and retry."),
    _E(64, "DNS start failed",
       "The name lookup could not start; check that the module has an IP address and DNS servers "
       "(AT+S.STS=ip_dns1)."),
    _E(65, "DNS address failure",
       "The host name was probably not resolved; check its spelling and the DNS servers, or use "
       "the IP address."),
    _E(66, "Cannot update DateTime",
       "The module did not update its clock (ST's middleware names this case NTP not allowed); "
       "check that AT+S.TIME got seconds since 1970 UTC and read the clock back with AT+S.TIME."),
    _E(72, "Closed socket",
       "The socket is closed; open a new one with AT+S.SOCKON (close the old id with AT+S.SOCKC "
       "if AT+S.SOCKL still lists it)."),
    _E(73, "Port already opened",
       "A server already listens on that port; close it with AT+S.SOCKDC or use another port."),
    _E(74, "Failed to open socket",
       "The socket did not open: either the TCP connection failed (wrong address or port, nothing "
       "listening, no IP yet — no `AT-S.Loading` line came before the error) or the TLS handshake "
       "failed (an `AT-S.Certificate Error` or `AT-S.Loading` line came first). Check the server "
       "with a plain `t` socket first, then the TLS set-up."),
    _E(75, "Too many sockets",
       "All socket slots are in use; close the ones you no longer need (AT+S.SOCKL lists them). "
       "FW 1.1.0 runs at most two TLS clients at a time."),
    _E(76, "Illegal Socket ID",
       "No socket has that id; use the id from the AT-S.On answer, or list open sockets with "
       "AT+S.SOCKL (AT+S.SOCKDL for servers)."),
    _E(77, "Pending data",
       "The socket still holds unread bytes; read them with AT+S.SOCKR=<id>, (SOCKQ shows how "
       "many) and close again."),
    _E(78, "Socket not connected",
       "The socket is not connected (the peer may have closed it: +WIND:58); read what is left, "
       "close it with AT+S.SOCKC and reopen. After a rejected write the data bytes were not taken "
       "as payload and went to the command parser."),
    _E(79, "Write failed",
       "The data could not be sent; check the connection and retry, in chunks of at most 730 "
       "bytes."),
    _E(80, "No valid HTTP Client Instance ID",
       "No valid HTTP client instance was available; wait for the previous HTTP request to end "
       "and retry."),
    _E(81, "HTTP Client busy",
       "An HTTP request is still running; wait for its final AT-S.OK or AT-S.ERROR first."),
    _E(82, "Failed to release HTTP Client Instance",
       "The HTTP client could not be released after a request; if later requests fail, reset the "
       "module."),
    _E(91, "Low Memory",
       "The module ran out of heap; close sockets and sessions you no longer need (see "
       "AT+S.STS=free_heap) or reset it."),
    _E(99, "Scan Aborted",
       "The scan stopped before it completed; run it again."),
    _E(100, "Failed to read flash",
       "Reading the module's flash failed; retry, and if it keeps failing the flash may be faulty."),
    _E(101, "Failed to write flash",
       "Writing the module's flash failed (e.g. AT+S.WCFG or a certificate upload); retry, and if "
       "it keeps failing the flash may be faulty."),
    _E(110, "Mfg test failed",
       "A manufacturing self-test (AT+S.MFGTEST) failed; it has no effect on normal use."),
    _E(111, "Request failed",
       "An HTTP or other client request failed; the line before explains it: Http Client Error:1 "
       "= connection refused, Http Server Error:<status> = HTTP error, Certificate Error:<n> = TLS."),
)
