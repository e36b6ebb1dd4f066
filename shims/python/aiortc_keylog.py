"""aiortc's DTLS key log: aiortc has no key-log option, so its SSL context factory is wrapped
to install pyOpenSSL's key log callback. Importing this module installs it; KEY_LINES
collects the SSLKEYLOGFILE lines (CLIENT_RANDOM <random> <master secret>)."""
from aiortc.rtcdtlstransport import RTCCertificate

KEY_LINES = []
_create = RTCCertificate._create_ssl_context


def _create_logging(self, srtp_profiles):
    ctx = _create(self, srtp_profiles)
    ctx.set_keylog_callback(lambda conn, line: KEY_LINES.append(line.decode()))
    return ctx


RTCCertificate._create_ssl_context = _create_logging


def unique_lines():
    """The key log lines in order, each once (both ends of a call log the same session)."""
    return list(dict.fromkeys(KEY_LINES))
