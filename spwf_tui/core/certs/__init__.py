"""Certificates and keys as the module sees them: pure logic, bytes in, plain data out.

One module per job, each imported on its own (nothing is re-exported here, so importing one
does not load the others or ``cryptography`` before it is needed):

- ``loading``: load certificates from PEM or DER, their key ids and fingerprints, ``CertificateError``;
- ``blob``: what a file holds (format, exact lengths, PEM blocks, private keys);
- ``facts``: facts about one certificate or key (no advice);
- ``inspect``: a file's report with warnings written for the module;
- ``plan``: the byte sequence that uploads a file, and its ``run`` script;
- ``check``: will the module accept a server's chain with this CA, at its clock;
- ``error_numbers``: the ``AT-S.Certificate Error:<n>`` numbers predicted, and which are real;
- ``text``: the reports as text (``cert`` subcommands, the TUI inspector).
"""
