"""The emulated SPWF04SA: the UART AT console of firmware 1.1.0, byte for byte.

``EmulatedModule(output, clock=..., boot_delay=..., model=...)``: ``start()`` powers it on,
``receive(bytes)`` takes host bytes in any chunking, ``output(bytes)`` gets everything it sends,
``close()`` stops it. ``serve.run_pty`` / ``serve.run_tcp`` put it on a pty or a TCP port.
Facts follow ``docs/protocol.md``; tables (commands, variables, error texts, WIND texts)
come from ``spwf_tui.core.catalog``. Every line the module sends ends with CR LF.

Below is every behaviour the sources leave open (docs/protocol.md §10), and what this emulator does.

Framing and console
    - A line ends at CR. Outside a data phase an LF is ignored wherever it is (so CR LF works);
      a data phase starts with the byte right after the CR, so an LF there is payload.
    - An empty line (bare CR, or CR LF) is ignored: no echo, no answer.
    - A line over 512 bytes: the first 512 are kept (and echoed), the rest dropped, answer
      ``AT-S.ERROR:32:Argument exceeds allowed size``.
    - Echo (``console_echo=1``): the line exactly as typed plus CR LF, sent when its CR arrives
      (not character by character); data-phase payload is never echoed.
    - Input that arrives before ``+WIND:0:Console active`` (before ``start()``, or during a
      reboot) is held and processed once the console is active; in a world file's world
      (``input_while_booting = "drop"``, its default) it is lost, as on the real UART. The
      console counts as up from the moment ``Console active`` starts going out.
    - Commands run in the thread that calls ``receive``, so their answer is out when it returns.
      SOCKON and PING (they wait for the host's network) run on a worker thread; input that
      arrives meanwhile is held until they have answered, as on the busy real console.
    - WINDs go out only while no command is in progress (from its CR through any data phase to
      its final line): never inside a response or a payload. A half-typed line does not hold them.
      A world with ``winds_inside_answers`` puts the WINDs waiting when an answer goes out one
      each between its text lines (never next to raw payload).
    - ``console_wind_off_low/medium/high`` mute WIND n when bit n % 32 of bank n // 32 is set
      (boot WINDs included). ``console_winds`` and ``console_repeater`` have no effect.
    - ``console_errs``: 2 ``AT-S.ERROR:<code>:<text>``, 1 ``AT-S.ERROR:<code>``, 0 ``AT-S.ERROR``.
      ``console_verbose``: 2 ``AT-S.OK:<free_heap>:<wifi_state>``, 0 and 1 ``AT-S.OK``.
    - Parsing is ``core.commandline``'s: ``AT``, ``AT&V``-style aliases and ``AT+S.<NAME>``, case
      insensitive; anything else (``AT+S.AT`` too) is error 1. Fields split on
      ``console_delimiter``; ``=`` followed by nothing counts as no fields (``AT+S.STS=`` lists
      all). More fields than the syntax -> 6; a required field absent or empty -> 2.
    - A data-phase command whose header is rejected answers its error and reads no payload: the
      bytes that follow are parsed as commands.
    - An internal emulator fault answers ``AT-S.ERROR:7`` (and is logged).

Boot and Wi-Fi
    - Boot: ``+WIND:1:Poweron:171117-0328fe3-SPWF04S``, ``+WIND:13:<copyright>:<model>``,
      ``+WIND:0:Console active``, ``+WIND:3:Watchdog Running:20``, ``+WIND:32:WiFi Hardware
      Started``, ``boot_delay`` between lines. No ``+WIND:65`` (factory reset), no NTP query: the
      clock stays at 1970 until ``AT+S.TIME``.
    - The default world (no world file): the join always succeeds, whatever the passphrase.
      A world file decides it instead (``spwf_tui.emulator.world``, README "A world for the
      emulated module"): wrong passphrase or security -> ``+WIND:40:WiFi Deauthentication:15``
      after Join and Association, retried every 2 s; no AP of the SSID in range -> scans
      (21, 35) and nothing else, retried; the banner shows the world's model and firmware
      (1.0.0: build 170216-fd39c59), ``+WIND:65:Factory Reset:0`` when it says so; faults
      (``faults.py``) on its timeline or on the ``--control`` socket. ``wifi_mode=1`` (factory):
      ``+WIND:21:WiFi Scanning``, ``+WIND:35:WiFi Scan Complete:00`` (``00`` as in a real UART
      capture), ``+WIND:19:WiFi Join:02:53:54:A0:0E:01`` (the emulated AP, a locally administered
      address), ``+WIND:25:WiFi Association successful:<configured SSID>``,
      ``+WIND:51:WPA Handshake Complete`` only when ``wifi_priv_mode=2``,
      ``+WIND:24:WiFi Up:0:192.168.1.50`` (emulated DHCP: /24, gateway and DNS 192.168.1.1; with
      ``ip_use_dhcpc=0`` the static ``ip_ipaddr``/``ip_netmask``/``ip_gw``/``ip_dns1``), then,
      when ``ip_use_v6=1``, ``+WIND:24:WiFi Up::fe80:0:0:0:<EUI-64 of nv_wifi_macaddr>`` as a
      real module does. ``wifi_mode=3``: ``+WIND:26:Started AP:<SSID>`` and WiFi Up on
      ``ip_ipaddr``. Modes 0 and 2: the radio stays idle, no address.
    - ``wifi_state`` follows the WINDs: 0 power-up, 3 idle, 4 scanning, 5 scan complete,
      6 joining, 7 joined, 8 AP started, 9 handshake complete, 10 ready, 2 off by ``WIFI=0``.
    - ``WIFI=0``: OK, then ``+WIND:49:WPA Terminated:0`` and ``+WIND:38:WiFi Powered Down``; the
      address is gone (SOCKON and PING -> 60) but open sockets stay. ``WIFI=1``: OK, then
      ``+WIND:32`` and the join. Asking for the state the radio is already in: OK, no WINDs.

Configuration (GCFG, SCFG, WCFG, FCFG, RESET)
    - ``SCFG=<key>,<value>``: the value is everything after the first delimiter (it may contain
      the delimiter). Unknown variable -> 4; read-only -> 7; ``u``/``s`` decimal or ``0x`` hex in
      the size's range, ``hex`` with or without ``0x`` (printed ``0x`` + lower-case digits),
      ``bytes`` as ``aa:bb:..`` or ``aabb..`` (printed lower-case with colons), ``ch`` exactly one
      character, ``ip`` a dotted quad (IPv6 for 16-byte variables), ``port`` a space-separated
      list; malformed or out of range -> 7; longer than the storage (``str``, ``bytes``) -> 32.
    - A change applies at once in RAM (echo, delimiter, error/OK format, WIND masks); Wi-Fi and
      IP settings apply at the next join (``WIFI=0``/``1`` or RESET).
    - ``WCFG`` copies RAM to flash; ``FCFG`` copies the factory values to RAM only (ST's own
      middleware sends WCFG after it); ``AT&V``, ``AT&W``, ``AT&F`` are GCFG, WCFG, FCFG.
    - ``RESET``: OK, then the boot again. RAM config is reloaded from flash, the clock is back at
      1970, sockets are closed without WINDs, the RAM disk is emptied, queued WINDs are dropped.
      TLS objects are in flash and survive RESET and FCFG (an ST engineer's statement).

Time, status, miscellaneous
    - ``TIME=<0..2^32-1>`` sets the clock; ``TIME`` reads ``AT-S.Date:YY.MM.DD:00`` (the fourth
      field is always 00) and ``AT-S.Time:hh.mm.ss``, UTC.
    - Hidden ``NTP``: the host's clock is the NTP answer; OK, then ``+WIND:84:NTP Server
      delivery``; no address -> 60.
    - ``STS``: catalog order; ``build=171117-0328fe3-SPWF04S`` (the form a real module prints),
      ``fw_version=1.1.0``, ``boot_version=1.0``; ``free_heap`` 91264 minus 2048 per socket and
      24576 per TLS socket, ``min_heap`` 4096 below it; live clock, uptime, Wi-Fi state and
      addresses; ``ip_cert_len_ca/cert/key`` are the stored TLSCERT sizes and
      ``wifi_cert_len_*`` the WPAECERT ones; the hardware variables are fixed plausible values.
    - ``HELP``: one ``AT-S.Command:<syntax> -- <summary>`` line per command the firmware lists
      (the summary is the catalog's one-liner, not the firmware's help text); ``HELP=<keyword>``
      keeps the names containing the keyword, case-insensitive.
    - ``RANDOM``: ``AT-S.Number:<unsigned 32-bit decimal>``.
    - ``SSIDTXT=<text>``: the whole rest of the line (up to 32 bytes, else 32), sets
      ``wifi_ssid`` and ``wifi_ssid_len``; ``SSIDTXT`` alone answers ``AT-S.SSIDTXT:<ssid>``.
    - ``SCAN=<d|s|m>[,<file>]``: ``AT-S.Parsing Networks:<n>`` then
      ``<i>:<TAB> BSS <BSSID> CHAN: <nn> RSSI: -<nn> SSID: '<ssid>' CAPS: <hex4> <flags>``;
      ``d``: the emulated AP (under the configured SSID) and two fixed neighbours, ``s``/``m``:
      the AP only; with a file name the lines are also appended to that RAM file; radio off
      -> 18.
    - ``PING=<count>,<size>,<host>``: the host is resolved by the host's DNS (failure -> 65), no
      ICMP is sent; ``AT-S.Reply:<seq>:<ip>:<size>:3`` per echo; count 0 -> 33, count over 100
      or size over 1472 -> 7.
    - ``PEERS[=,<peer>[,<var>]]`` (``PEERS=0,rx_rssi`` too): peer 0 is the joined AP,
      ``AT-S.Var:0.<var>=<value>``; unknown peer -> 7, unknown variable -> 4.
    - Not emulated: the arguments are counted (2 / 6), a data phase is read (so its bytes are
      never run as commands), then ``AT-S.ERROR:120:Not emulated`` (120 is outside the
      firmware's table, which ends at 111; with ``console_errs=1`` it is ``AT-S.ERROR:120``):
      PMS, PYTHON, NVW, MFGTEST, SELFTEST, ADC, FSM, FSU, CMDREQ, BYPASS, WPS, RENEW, SMTP,
      FSUPDATE, INPUTSSI, WSOCKL.
      No command answers OK without doing what it says.

Peripherals (state only: no pin leaves the host)
    - GPIO 0-15 (else 20), all inputs at level 0 after power-on (a world's ``[gpio]`` sets the
      levels the outside world holds them at). ``GPIOC=<num>,<in|out>,<r|f|b>``: direction not
      in/out -> 19, edge not r/f/b -> 7; an input with an interrupt on GPIO7 -> 22 (WPS
      button). GPIO6 while ``sleep_enabled`` -> 21, GPIO10 while ``blink_led`` (factory: on)
      -> 23, GPIO3 with an SPI console -> 24.
    - ``GPIOR=<num>``: ``AT-S.Value:<num>:<level>:<direction>`` (0 input, 1 output).
      ``GPIOW=<num>,<0|1>`` drives an output; on an input -> 7 (the emulator's choice).
    - An input driven from outside (``gpio <pin> <level>`` on the control socket, or a
      timeline fault) whose interrupt edge fires: ``+WIND:52:GPIO Interrupt:<pin>:<level>``.
    - ``DAC=<mV>``: 0 off, up to 3300 (else 25). ``PWM=<2|4>,<Hz>[,<duty %>]``: another pin
      -> 7, over 1 MHz -> 26 (the emulator's limit), duty over 100 -> 27, frequency 0 stops it
      (not running -> 28). RESET puts every pin back to input, DAC and PWM off.
    - ADC is not emulated: the layout of its answer is not known.

File system (RAM disk only)
    - Only the RAM disk exists (none of the real module's flash files); capacity
      ``ramdisk_memsize`` KiB (16 KiB). Names are case-sensitive; a leading ``/`` is optional
      (``a`` and ``/a`` are the same file, listed as ``/a``).
    - ``FSC=<name>,<len>`` creates or appends; a length that does not fit -> 91 (header error:
      no payload is read); length 0 creates an empty file.
    - ``FSL[=<name>]``: ``AT-S.File:R<TAB><size><TAB><name>`` per file (R = RAM disk), then
      ``AT-S.Free RAM Disk:<free bytes>``; a missing name -> 51.
    - ``FSP=<name>[,<offset>[,<length>]]``: the raw bytes then ``AT-S.OK`` with no CR LF before
      it; empty offset = 0, empty length = to the end; a length past the end is cut; offset past
      the end -> 52; missing file -> 51.
    - ``FSD`` missing -> 56; ``FSR`` missing source or existing target -> 55;
      ``HASH=<0 SHA1|1 SHA224|2 SHA256|3 MD5>,<name>`` -> ``AT-S.Hash:<lower-case hex>``,
      other algorithm -> 7, missing file -> 51.

TLSCERT (and WPAECERT, same forms, separate store, never used by a connection)
    - Keywords are case-insensitive. ``ca|cert|key|auth,<len>``: unknown keyword -> 7, length 0
      -> 33, over the limit -> 32 (``cert`` 1475 as ST states; ``ca`` and ``key`` 2560, ``auth``
      64: the emulator's limits); these are header errors, no payload is read.
    - ``ca``: a DER certificate with an SKI extension answers
      ``AT-S.SubjectKeyId:<upper-case hex bytes separated by ':'>``; PEM, DER without SKI, or
      bytes that are no certificate answer ``AT-S.No SubjectKeyId``; stored either way, then OK.
    - ``auth``, ``cert``, ``key``: stored as given (any bytes), OK.
    - ``content,1``: ``AT-S.List``, ``AT-S.CA:<0|1>``, ``AT-S.Cert:<0|1>``, ``AT-S.Key:<0|1>``,
      ``AT-S.Id:<0|1>`` (Id = auth stored); ``content,2``: ``AT-S.Clean``; other options -> 7.

Client sockets (the host's real network)
    - ``SOCKON=<host>,<port>,<unused>,<kind>``: the third field is ignored (empty, ``NULL`` or
      anything). Kind ``t``/``u``/``s`` in any case; a longer text is a TLS server domain name;
      another single character -> 7. Port not 1..65535 -> 7; no address -> 60; 8 sockets open
      -> 75; a third TLS socket -> 75; a name the host cannot resolve -> 65; ids are the lowest
      free from 0.
    - TCP connect failure (10 s timeout) -> ``AT-S.ERROR:74:Failed to open socket`` with no
      Loading line. UDP ``u``: a connected datagram socket, each datagram appended to the buffer.
    - TLS: up to TLS 1.2; SNI is the domain name when given, else the host when it is a name.
      A handshake failure -> 74 with no Certificate Error line. Own certificate and key are
      presented when both are stored and readable (PEM or DER). Python verifies nothing; the
      module's check (``tlsverify``, which calls ``core.certs.check``), in order: no CA stored or unreadable -> 23; the key id the
      CA is known by (``auth`` when given, else the SKI read from a DER upload; a CA without
      the extension is known by the SHA-1 of its key) missing or not the CA's -> 3; the chain
      (leaf, the server's intermediates) does not lead to the stored CA -> 23; a certificate of
      it not valid at the *module's* clock -> 9 (not yet valid: the unset 1970 clock) or 10
      (expired); a domain name given that the leaf's SAN (CN without SAN) does not match -> 62.
      9, 10 and 62 are the emulator's choice (OpenSSL's X509_V_ERR numbers for the same
      conditions); 3 and 23 are the numbers seen on real modules. A failure answers
      ``AT-S.Certificate Error:<n>`` then ``AT-S.ERROR:74:Failed to open socket`` and closes
      with a close_notify (a real module sends a bad_certificate alert; Python's ssl cannot
      after the handshake). Success: ``AT-S.Loading:1:2``, ``AT-S.On:<peer ip>:<id>``, OK.
    - Received bytes: ``+WIND:55:Pending Data::<id>:<bytes this time>:<total pending>`` per host
      read. Peer gone: ``+WIND:58:Socket Closed:<id>:<reason>`` (0 orderly close by the peer, 1
      connection broken); the socket stays, readable, until ``SOCKC``; ``SOCKW`` then -> 78.
      At most 1 MiB unread per socket (a world's ``socket_buffer``): beyond it a TCP/TLS peer
      is held back by flow control (the emulator stops reading until the host drains), a UDP
      datagram that does not fit is dropped with ``+WIND:63:Socket Dropping Data`` (no
      fields: the sources give none).
    - ``SOCKQ`` -> ``AT-S.Query:<pending>``. ``SOCKR=<id>[,<len>]``: empty or 0 length reads
      everything; ``AT-S.Reading:<returned>:<pending before>`` CR LF, exactly the bytes, then
      ``AT-S.OK`` with no CR LF before it; nothing pending -> ``AT-S.Reading:0:0`` and OK.
    - ``SOCKW=<id>,<len>``: unknown id -> 76 and closed by peer -> 78 (header errors, no payload
      read); length 0 sends nothing; a send failure -> 79; any length is taken and sent whole.
    - Every TCP connection (client, server, HTTP, WebSocket, MQTT) uses the firmware's 730-byte
      maximum segment (``netsock.TCP_SEGMENT``), so peers see 730-byte segments. What the
      module answers to a SOCKW or a UDP datagram over 730 bytes, or a SOCKR over 730, is not
      known: those are not limited.
    - ``SOCKC``: unread bytes -> 77, else closed (no WIND). Any unknown id -> 76.
    - ``SOCKL``: ``AT-S.List::<id>:<0 TCP|1 UDP|2 TLS>:<1 connected|0 closed by peer>:<pending>:
      <peer ip>:<peer port>`` per socket (one line; wrapped here).

HTTP client (HTTPGET, HTTPPOST; the host's real network)
    - ``<host>,<path>,<port>,<TLS>,<usn>,<pwd>,<DownFile>,<UpFile>``: empty path = ``/``;
      ``<TLS>`` 0 plain, 2 HTTPS, anything else -> 7 (1 is not documented). One HTTP/1.1
      request with ``Connection: close``; ``<usn>`` gives Basic authorisation; ``<UpFile>`` (a
      RAM-disk file, missing -> 51 before anything is sent) is the request body (POST: as
      ``application/x-www-form-urlencoded``). No address -> 60; a name that does not resolve
      -> 65.
    - HTTPS: the handshake and the certificate check of SOCKON (without a domain name); a
      distrusted server -> ``AT-S.Certificate Error:<n>`` then ``AT-S.ERROR:111``; trusted ->
      ``AT-S.Loading:1:2`` first.
    - Answer: ``AT-S.Http Server Status Code:<n>``, the body exactly as received (a chunked
      body keeps its chunk-size lines), then ``AT-S.OK`` with no CR LF before it. With
      ``<DownFile>`` the body replaces that RAM-disk file (does not fit -> 91) and is not
      printed. Status 400 and above: the Status Code line, ``AT-S.Http Server Error:<n>``,
      ``AT-S.ERROR:111:Request failed``, no body.
    - Connection refused, unreachable, timed out, TLS handshake failed, or an answer that is no
      HTTP response: ``AT-S.Http Client Error:1`` then 111 (1 is the only number seen on real
      modules, for a refused connection).
    - An answer is read for at most 30 s and 1 MiB: a peer that streams for ever is cut there.

TFTP client (TFTPGET, TFTPPUT; the host's real UDP; RFC 1350 octet mode)
    - ``TFTPGET=<host>,<port>,<DownFile>[,<LocalFile>]``: the file goes to the RAM disk under
      ``<LocalFile>`` (empty: the remote name), replacing a file of that name; ``AT-S.OK`` then
      ``+WIND:90:File Received``. No other line: the firmware's are not known.
    - ``TFTPPUT=<host>,<port>,<UpFile>``: the RAM-disk file (missing -> 51 before anything is
      sent) under the same name on the server; ``AT-S.OK`` after the last ACK.
    - Port 0 -> 7; no address -> 60; a name that does not resolve -> 65; a server error, or
      silence after 4 resends 2 s apart (60 s per transfer at most) -> 111; a file the RAM disk
      cannot hold -> 91 (the server is told "Disk full", nothing is stored).

Firmware update (FWUPDATE; the host's real network)
    - ``FWUPDATE=e,<host>,<path>,<port>,<TLS>,<usn>,<pwd>``: first field not ``e`` -> 7; the
      image is downloaded with the HTTP client above (same lines and errors, no body printed).
      An image carrying a known build tag (``171117-0328fe3-SPWF04S`` = 1.1.0,
      ``170216-fd39c59-SPWF04S`` = 1.0.0): ``AT-S.OK``, then a reboot into that release (its
      build in ``+WIND:1:Poweron``, ``fw_version``/``var_version``/``build`` in STS, and
      ``+WIND:73:System Configuration Updated`` before Console active when the release
      changed); flash (saved configuration, TLS objects) is kept. Any other image -> 120 after
      the download, nothing changes. No progress lines: none are known.

Server sockets (SOCKDON ...; the host's real network)
    - ``SOCKDON=<port>,<t|s1|s2>`` listens on the host on ``127.0.0.1:<port>`` (the world
      file may map the port and the address) and answers ``AT-S.On:<sid>``. ``s1``: TLS (up to
      1.2) with the stored ``TLSCERT cert`` and ``key``; ``s2``: also requires a client
      certificate the stored ``ca`` signed (a client failing the handshake is closed, never
      announced); missing or unusable objects -> 74. ``u`` -> 120 (not emulated); another
      kind or port 0 -> 7; no address -> 60; a module port already
      served -> 73; a host port that cannot be bound -> 74; more than 2 servers -> 75.
    - A client connects: ``+WIND:61:Incoming Socket Client:<ip>:<port>:<sid>:<cid>``; client
      ids from 0, 8 per server (the 9th is closed at once with ``+WIND:83``). Bytes:
      ``+WIND:55:Pending Data:<sid>:<cid>:<rx>:<total>``. The client leaves:
      ``+WIND:62:Socket Client Gone:<ip>:<port>:<sid>:<cid>:<reason>`` (0 orderly, 1 broken);
      it stays readable until drained, then its id is free.
    - ``SOCKDQ``/``SOCKDR``/``SOCKDW`` as SOCKQ/SOCKR/SOCKW with ``<sid>,<cid>``; unknown ids
      -> 76; SOCKDW to a client gone -> 78 (header errors: no payload read).
    - ``SOCKDC=<sid>,<cid>`` closes one client, ``SOCKDC=<sid>`` the server and all its
      clients; unread bytes -> 77. ``SOCKDL[=<sid>]``:
      ``AT-S.List:<sid>:<cid>:<0 TCP|2 TLS>:<1 connected|0 gone>:<pending>:<ip>:<port>``
      per client.
    - RESET closes every server without WINDs.

WebSocket clients (WSOCKON ...; the host's real network, RFC 6455)
    - ``WSOCKON=<host>,<port>,<path>,<TLS>,<usn>,<pwd>,<origin>,<prot>,<ext>``: empty path =
      ``/``; ``<TLS>`` 0 plain, any other number TLS with the SOCKON check (Certificate Error
      then 74; ``AT-S.Loading:1:2`` when trusted); ``<usn>`` gives Basic authorisation,
      ``<origin>`` and ``<prot>`` the Origin and Sec-WebSocket-Protocol headers; an ``<ext>``
      -> 120 (no extension is spoken). Connection refused, or an answer that is not a correct
      101 -> 74. ``AT-S.On:<id>``, ids 0 and 1 (a third -> 75).
    - Each message received (fragments joined, pings answered):
      ``+WIND:88:WebSocket Data:<id>:1:1:<bytes>:<total pending>`` (the two flags are the
      emulator's choice for a whole message). The server closes:
      ``+WIND:89:WebSocket Closed:<id>``; the id stays readable until WSOCKC.
    - ``WSOCKW=<id>,0,0,<0 text|1 binary>,<len>`` sends one whole message; other flag values
      read the payload then answer 120 (their meaning is not known); a closed WebSocket -> 78
      (header error: no payload read). ``WSOCKQ`` -> ``AT-S.Query:<n>``; ``WSOCKR=<id>,<len>``
      as SOCKR (0 reads all). ``WSOCKC=<id>,<0|1>`` sends close 1000 or 1001, OK, then
      ``+WIND:89``; unread bytes -> 77. WSOCKL -> 120 (its line layout is not known).

MQTT (MQTTCONN ...; the host's real network, MQTT 3.1.1)
    - ``MQTTCONN=<host>,<port>,<path>,<TLS>,<usn>,<pwd>,<ID>,<KA>,<Retr>,<QoS>,<Name>,<Msg>``:
      CONNECT with clean session, user and password, keep-alive ``<KA>`` (empty: 60 s, PINGREQ
      at half of it), a will when ``<Name>`` is given (``<Msg>`` at ``<QoS>``); no ``<ID>``:
      ``SPWF04S-<MAC>-<connection id>``; ``<Retr>`` is ignored (not documented); a ``<path>``
      -> 120 (MQTT over WebSocket is not spoken); any ``<TLS>`` but 0: TLS checked like SOCKON.
      Refused connection, no CONNACK in 10 s, or CONNACK refusing -> 74. ``AT-S.On:<id>``,
      ids 0 and 1 (a third -> 75, the emulator's limit).
    - ``MQTTSUB=<id>,<topic>[,<QoS>]`` waits for SUBACK (refused -> 111); ``MQTTUNSUB`` for
      UNSUBACK; ``MQTTPUB=<id>,<topic>,<QoS>,<retained>,<len>`` + data: QoS 0 sent, QoS 1
      waits for PUBACK, QoS 2 for PUBCOMP (none in 10 s -> 111). Unknown id -> 76, a
      connection gone -> 78 (for MQTTPUB a header error: no payload read).
    - A publication received (QoS 1 and 2 acknowledged): ``+WIND:86:MQTT Published:<id>:
      <topic>:<QoS>:<retain>:<dup>:<len>:<len>:<payload>`` (one line, the payload raw after the
      last colon; the three flags are the emulator's reading of fields the sources leave
      open). ``MQTTDISC``: DISCONNECT, OK, ``+WIND:87:MQTT Closed:<id>:0``; the broker gone:
      ``+WIND:87:MQTT Closed:<id>:<0 orderly|1 broken>``.

Front doors (``serve``)
    - pty: raw slave, kept open by the emulator; output nobody reads is dropped after a 2 s
      stall. TCP: one client at a time, others are closed at once; output with no client is
      dropped. The module is powered on once and keeps its state across clients.
"""

from spwf_tui.emulator.module import EmulatedModule

__all__ = ["EmulatedModule"]
