"""TLSCERT on the emulated module, the seed exchange, and TLS sockets against a real server."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.tcp_peer import TcpServer

from .conftest import BOOT_DONE, exchange, write_and_wait

DATA = Path(__file__).resolve().parents[1] / "data"
SEED_SKI = bytes.fromhex("3EF1747FD79122144BCADF4F95DF960A32823B4C")
OK = b"AT-S.OK\r\n"
NOW = dt.datetime.now(dt.timezone.utc)


def seed_ca_crlf() -> bytes:
    """The seed's CA with CRLF line ends, as Tera Term pasted it (1426 bytes)."""
    return (DATA / "seed_ca_cert.pem").read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


# ---------------------------------------------------------------------------- certificates

@dataclass
class Pki:
    """A CA, optionally an intermediate, and a server leaf for 127.0.0.1 / localhost."""

    ca: x509.Certificate
    ca_key: ec.EllipticCurvePrivateKey
    leaf: x509.Certificate
    leaf_key: ec.EllipticCurvePrivateKey
    chain: list[x509.Certificate]
    """Certificates the server sends after its leaf."""

    def ca_der(self) -> bytes:
        return self.ca.public_bytes(serialization.Encoding.DER)

    def ca_pem(self) -> bytes:
        return self.ca.public_bytes(serialization.Encoding.PEM)

    def ski(self) -> bytes:
        return self.ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, key, issuer: x509.Certificate | None, issuer_key, *,
                 ca: bool, not_before: dt.datetime, not_after: dt.datetime,
                 names: tuple[str, ...] = ()) -> x509.Certificate:
    builder = (x509.CertificateBuilder()
               .subject_name(_name(subject))
               .issuer_name(issuer.subject if issuer else _name(subject))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_before)
               .not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False))
    if names:
        sans = [x509.IPAddress(ipaddress.ip_address(n)) if n[0].isdigit() else x509.DNSName(n)
                for n in names]
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256())


def make_pki(*, intermediate: bool = False, leaf_not_after: dt.datetime | None = None) -> Pki:
    day = dt.timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("Emulator Test CA", ca_key, None, None, ca=True,
                      not_before=NOW - 30 * day, not_after=NOW + 3650 * day)
    issuer, issuer_key, chain = ca, ca_key, []
    if intermediate:
        mid_key = ec.generate_private_key(ec.SECP256R1())
        mid = _certificate("Emulator Test Intermediate", mid_key, ca, ca_key, ca=True,
                           not_before=NOW - 30 * day, not_after=NOW + 3650 * day)
        issuer, issuer_key, chain = mid, mid_key, [mid]
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate("localhost", leaf_key, issuer, issuer_key, ca=False,
                        not_before=NOW - day, not_after=leaf_not_after or NOW + 365 * day,
                        names=("localhost", "127.0.0.1"))
    return Pki(ca, ca_key, leaf, leaf_key, chain)


def make_client_identity(pki: Pki) -> tuple[bytes, bytes]:
    """A client certificate signed by ``pki``'s CA and its key, both PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    day = dt.timedelta(days=1)
    cert = _certificate("spwf04 client", key, pki.ca, pki.ca_key, ca=False,
                        not_before=NOW - day, not_after=NOW + day)
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()))


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


# ---------------------------------------------------------------------------- TLS server

class TlsEchoServer:
    """Python ``ssl`` server on 127.0.0.1 that echoes what it receives."""

    def __init__(self, pki: Pki, folder: Path, *,
                 client_ca: x509.Certificate | None = None) -> None:
        cert_file, key_file = folder / "server.pem", folder / "server.key"
        cert_file.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM)
                                       for c in [pki.leaf, *pki.chain]))
        key_file.write_bytes(pki.leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert_file, key_file)
        if client_ca is not None:
            self.context.verify_mode = ssl.CERT_REQUIRED
            self.context.load_verify_locations(
                cadata=client_ca.public_bytes(serialization.Encoding.PEM).decode())
        self.server_names: list[str | None] = []
        self.context.sni_callback = lambda sock, name, ctx: self.server_names.append(name)
        self._server = TcpServer(self._echo)
        self.port = self._server.port

    def _echo(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            with self.context.wrap_socket(conn, server_side=True) as tls:
                while data := tls.recv(65536):
                    tls.sendall(data)
        except (OSError, ssl.SSLError):
            pass

    def stop(self) -> None:
        self._server.stop()


@pytest.fixture
def server(pki: Pki, tmp_path: Path) -> Iterator[TlsEchoServer]:
    tls_server = TlsEchoServer(pki, tmp_path)
    yield tls_server
    tls_server.stop()


def upload(module, wire, kind: str, data: bytes) -> bytes:
    return exchange(module, wire, f"AT+S.TLSCERT={kind},{len(data)}\r".encode() + data)


def sockon(module, wire, port: int, kind: str = "s") -> bytes:
    wire.take()
    module.receive(f"AT+S.SOCKON=127.0.0.1,{port},NULL,{kind}\r".encode())
    return wire.wait_for(re.compile(rb"AT-S\.(OK|ERROR)"), timeout=10)


def set_time(module, wire, when: dt.datetime = NOW) -> None:
    exchange(module, wire, f"AT+S.TIME={int(when.timestamp())}\r".encode())


# ---------------------------------------------------------------------------- TLSCERT

def test_seed_exchange(module, wire, chunk):
    ca = seed_ca_crlf()
    assert len(ca) == 1426
    script = (b"AT+S.TLSCERT=content,2\r" b"AT+S.TIME=1504170338\r" b"AT+S.TIME\r"
              b"AT+S.TLSCERT=Ca,1426\r" + ca +
              b"AT+S.TLSCERT=Auth,40\r" b"3EF1747FD79122144BCADF4F95DF960A32823B4C"
              b"AT+S.TLSCERT=content,1\r")
    assert exchange(module, wire, script, chunk) == (
        b"AT+S.TLSCERT=content,2\r\nAT-S.Clean\r\nAT-S.OK\r\n"
        b"AT+S.TIME=1504170338\r\nAT-S.OK\r\n"
        b"AT+S.TIME\r\nAT-S.Date:17.08.31:00\r\nAT-S.Time:09.05.38\r\nAT-S.OK\r\n"
        b"AT+S.TLSCERT=Ca,1426\r\nAT-S.No SubjectKeyId\r\nAT-S.OK\r\n"
        b"AT+S.TLSCERT=Auth,40\r\nAT-S.OK\r\n"
        b"AT+S.TLSCERT=content,1\r\nAT-S.List\r\nAT-S.CA:1\r\nAT-S.Cert:0\r\nAT-S.Key:0\r\n"
        b"AT-S.Id:1\r\nAT-S.OK\r\n")
    assert b"ip_cert_len_ca=1426" in exchange(module, wire, b"AT+S.STS=ip_cert_len_ca\r")


def test_der_ca_reports_its_subject_key_id(module, wire):
    der = x509.load_pem_x509_certificate(seed_ca_crlf()).public_bytes(serialization.Encoding.DER)
    out = upload(module, wire, "ca", der)
    assert out.endswith(b"\r\nAT-S.SubjectKeyId:" + b":".join(
        f"{byte:02X}".encode() for byte in SEED_SKI) + b"\r\n" + OK)


def test_header_checks(module, wire):
    assert exchange(module, wire, b"AT+S.TLSCERT=cert,1476\rAT\r") == (
        b"AT+S.TLSCERT=cert,1476\r\nAT-S.ERROR:32:Argument exceeds allowed size\r\n"
        b"AT\r\nAT-S.OK\r\n")
    assert b"ERROR:33:" in exchange(module, wire, b"AT+S.TLSCERT=ca,0\r")
    assert b"ERROR:7:" in exchange(module, wire, b"AT+S.TLSCERT=crl,10\r")
    assert b"ERROR:7:" in exchange(module, wire, b"AT+S.TLSCERT=content,3\r")
    assert b"ERROR:2:" in exchange(module, wire, b"AT+S.TLSCERT=ca\r")


def test_tls_objects_live_in_flash(module, wire):
    upload(module, wire, "cert", b"C" * 1475)
    upload(module, wire, "key", b"K" * 100)
    wire.take()
    module.receive(b"AT+S.FCFG\rAT+S.RESET\r")
    wire.wait_for(BOOT_DONE)
    listing = exchange(module, wire, b"AT+S.TLSCERT=CONTENT,1\r")
    assert b"AT-S.CA:0\r\nAT-S.Cert:1\r\nAT-S.Key:1\r\nAT-S.Id:0\r\n" in listing
    assert b"ip_cert_len_cert=1475" in exchange(module, wire, b"AT+S.STS=ip_cert_len_cert\r")
    exchange(module, wire, b"AT+S.TLSCERT=content,2\r")
    assert b"AT-S.Cert:0" in exchange(module, wire, b"AT+S.TLSCERT=content,1\r")


def test_wpaecert_is_a_separate_store(module, wire):
    exchange(module, wire, b"AT+S.WPAECERT=key,3\rabc")
    assert b"AT-S.Key:1" in exchange(module, wire, b"AT+S.WPAECERT=content,1\r")
    assert b"AT-S.Key:0" in exchange(module, wire, b"AT+S.TLSCERT=content,1\r")


# ---------------------------------------------------------------------------- TLS sockets

def test_seed_failure_wrong_auth_is_certificate_error_3(module, wire, pki, server):
    set_time(module, wire)
    upload(module, wire, "Ca", pki.ca_pem())
    upload(module, wire, "Auth", pki.ski().hex().upper().encode())
    assert sockon(module, wire, server.port) == (
        b"AT+S.SOCKON=127.0.0.1,%d,NULL,s\r\nAT-S.Certificate Error:3\r\n"
        b"AT-S.ERROR:74:Failed to open socket\r\n" % server.port)


def test_pem_ca_with_raw_auth_connects_and_echoes(module, wire, pki, server):
    set_time(module, wire)
    upload(module, wire, "ca", pki.ca_pem())
    upload(module, wire, "auth", pki.ski())
    assert sockon(module, wire, server.port) == (
        b"AT+S.SOCKON=127.0.0.1,%d,NULL,s\r\nAT-S.Loading:1:2\r\nAT-S.On:127.0.0.1:0\r\n"
        % server.port + OK)
    payload = b"GET / HTTP/1.0\r\n\r\n\x00\xff"
    write_and_wait(module, wire, 0, payload)
    assert exchange(module, wire, b"AT+S.SOCKR=0,\r") == (
        b"AT+S.SOCKR=0,\r\nAT-S.Reading:%d:%d\r\n" % (len(payload), len(payload)) + payload + OK)
    assert exchange(module, wire, b"AT+S.SOCKL\r").startswith(b"AT+S.SOCKL\r\nAT-S.List::0:2:1:0:")
    assert exchange(module, wire, b"AT+S.SOCKC=0\r").endswith(OK)


def test_der_ca_needs_no_auth(module, wire, pki, server):
    set_time(module, wire)
    upload(module, wire, "ca", pki.ca_der())
    assert sockon(module, wire, server.port).endswith(b"AT-S.On:127.0.0.1:0\r\n" + OK)


def test_der_ca_with_a_different_auth_is_error_3(module, wire, pki, server):
    set_time(module, wire)
    upload(module, wire, "ca", pki.ca_der())
    upload(module, wire, "auth", bytes(20))
    assert b"Certificate Error:3\r\n" in sockon(module, wire, server.port)


@pytest.mark.parametrize("stored", ["none", "other"])
def test_ca_not_found_is_certificate_error_23(module, wire, server, stored):
    set_time(module, wire)
    if stored == "other":
        upload(module, wire, "ca", make_pki().ca_der())
    assert sockon(module, wire, server.port).endswith(
        b"AT-S.Certificate Error:23\r\nAT-S.ERROR:74:Failed to open socket\r\n")


def test_unset_clock_is_certificate_error_9(module, wire, pki, server):
    upload(module, wire, "ca", pki.ca_der())
    assert sockon(module, wire, server.port).endswith(
        b"AT-S.Certificate Error:9\r\nAT-S.ERROR:74:Failed to open socket\r\n")


def test_expired_server_certificate_is_certificate_error_10(module, wire, pki, server):
    set_time(module, wire, NOW + dt.timedelta(days=400))
    upload(module, wire, "ca", pki.ca_der())
    assert b"AT-S.Certificate Error:10\r\n" in sockon(module, wire, server.port)


def test_domain_name_is_checked_and_sent_as_sni(module, wire, pki, server):
    set_time(module, wire)
    upload(module, wire, "ca", pki.ca_der())
    assert sockon(module, wire, server.port, "localhost").endswith(OK)
    assert b"Certificate Error:62\r\n" in sockon(module, wire, server.port, "example.org")
    assert server.server_names == ["localhost", "example.org"]


def test_chain_through_an_intermediate(module, wire, tmp_path):
    pki = make_pki(intermediate=True)
    tls_server = TlsEchoServer(pki, tmp_path)
    try:
        set_time(module, wire)
        upload(module, wire, "ca", pki.ca_der())
        assert sockon(module, wire, tls_server.port).endswith(OK)
    finally:
        tls_server.stop()


def test_mutual_tls_presents_the_stored_cert_and_key(module, wire, pki, tmp_path):
    tls_server = TlsEchoServer(pki, tmp_path, client_ca=pki.ca)
    try:
        set_time(module, wire)
        upload(module, wire, "ca", pki.ca_der())
        assert sockon(module, wire, tls_server.port).endswith(
            b"NULL,s\r\nAT-S.ERROR:74:Failed to open socket\r\n")
        cert, key = make_client_identity(pki)
        upload(module, wire, "cert", cert)
        upload(module, wire, "key", key)
        assert sockon(module, wire, tls_server.port).endswith(OK)
    finally:
        tls_server.stop()


def test_plain_server_fails_the_handshake_without_certificate_error(module, wire):
    listener = socket.create_server(("127.0.0.1", 0))

    def answer_garbage() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(10)
            conn.recv(4096)
            conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")
            while conn.recv(4096):  # until the module hangs up
                pass

    threading.Thread(target=answer_garbage, daemon=True).start()
    try:
        assert sockon(module, wire, listener.getsockname()[1]).endswith(
            b"NULL,s\r\nAT-S.ERROR:74:Failed to open socket\r\n")
    finally:
        listener.close()


def test_at_most_two_tls_sockets(module, wire, pki, server):
    set_time(module, wire)
    upload(module, wire, "ca", pki.ca_der())
    assert sockon(module, wire, server.port).endswith(OK)
    assert sockon(module, wire, server.port).endswith(OK)
    assert sockon(module, wire, server.port).endswith(b"AT-S.ERROR:75:Too many sockets\r\n")
