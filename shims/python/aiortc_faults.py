"""Faults for the mutant target over aiortc (`rtcspec run --target mutant@aiortc:FAULT`).

Each is one way a stack gets RFC 8831, RFC 8832 or RFC 5764 wrong, put into aiortc's own
SCTP or DTLS transport. rtcspec's tests use them to show that each SCTP case can fail. The patches
are installed once, and act only while `peer.start` has named their fault; with none named,
aiortc behaves as shipped.
"""

from struct import pack

from aiortc import rtcdtlstransport as dtls
from aiortc import rtcsctptransport as sctp

from shim_protocol import Rejected

# The names rtcspec knows (harness/src/driver/mutant/peer.rs) and what each does.
KNOWN = {
    "sctp-dcep-wrong-ppid": "sends DATA_CHANNEL_OPEN and ACK with PPID 51 (WebRTC String), not 50",
    "sctp-dcep-unordered": "sends DATA_CHANNEL_OPEN and ACK unordered",
    "sctp-no-dcep-ack": "never answers DATA_CHANNEL_OPEN with DATA_CHANNEL_ACK",
    "sctp-wrong-stream-parity": "opens channels on streams of the other DTLS role's parity",
    "sctp-open-reliable-type": "DATA_CHANNEL_OPEN always says reliable and ordered",
    "sctp-string-as-binary": "sends strings with the Binary PPIDs (53, 57)",
    "sctp-binary-as-string": "sends binary messages with the String PPIDs (51, 56)",
    "sctp-empty-as-non-empty": "sends empty messages with the non-empty PPIDs (51, 53)",
    "sctp-unordered-as-ordered": "sends the messages of unordered channels ordered",
    "sctp-ordered-as-unordered": "sends the messages of ordered channels unordered",
    "sctp-close-without-reset": "closes a channel without resetting its outgoing stream",
    "sctp-init-no-extensions": "its INIT signals neither RE-CONFIG nor partial reliability",
    "srtp-drops-inbound": "drops every SRTP packet it receives, as if no key decrypted it",
    "sctp-empty-received-as-zero-byte": "delivers a received empty message as its one zero byte",
    "sctp-user-data-on-next-stream": "sends a channel's user messages on the stream after its own",
    "sctp-empty-spends-ssn": "sends nothing for an empty message but spends its SSN (as str0m 0.25 does)",
    "sctp-ssn-starts-at-one": "numbers the first ordered message of each stream 1, not 0",
    "sctp-ignores-max-message-size": "sends messages of any size, whatever a=max-message-size says",
    "sctp-skips-crc32c": "takes in SCTP packets whatever their CRC32c",
    "sctp-ignores-verification-tag": "takes in SCTP packets whatever their Verification Tag",
    "sctp-eight-streams": "uses no stream above 7: drops every DATA chunk it would send or receives there, as a stack with a table of 8 streams would",
}

ACTIVE: set = set()


def set_faults(names) -> None:
    """The faults of the next connection; an unknown name is refused."""
    if names is None:
        names = []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError("faults must be a list of fault names")
    unknown = [n for n in names if n not in KNOWN]
    if unknown:
        raise Rejected(f"unknown fault(s) {', '.join(unknown)}; this shim knows: {', '.join(sorted(KNOWN))}")
    ACTIVE.clear()
    ACTIVE.update(names)


SWAPS = {
    "sctp-string-as-binary": {sctp.WEBRTC_STRING: sctp.WEBRTC_BINARY, sctp.WEBRTC_STRING_EMPTY: sctp.WEBRTC_BINARY_EMPTY},
    "sctp-binary-as-string": {sctp.WEBRTC_BINARY: sctp.WEBRTC_STRING, sctp.WEBRTC_BINARY_EMPTY: sctp.WEBRTC_STRING_EMPTY},
    "sctp-empty-as-non-empty": {sctp.WEBRTC_STRING_EMPTY: sctp.WEBRTC_STRING, sctp.WEBRTC_BINARY_EMPTY: sctp.WEBRTC_BINARY},
}

_send = sctp.RTCSctpTransport._send


async def _faulty_send(self, stream_id, pp_id, user_data, expiry=None, max_retransmits=None, ordered=True):
    if ordered and "sctp-ssn-starts-at-one" in ACTIVE:
        self._outbound_stream_seq.setdefault(stream_id, 1)
    empty = pp_id in (sctp.WEBRTC_STRING_EMPTY, sctp.WEBRTC_BINARY_EMPTY)
    if empty and ordered and "sctp-empty-spends-ssn" in ACTIVE:
        seq = self._outbound_stream_seq.get(stream_id, 0)
        self._outbound_stream_seq[stream_id] = (seq + 1) % 65536
        return
    if pp_id == sctp.WEBRTC_DCEP:
        kind = user_data[:1]
        if kind == pack("!B", sctp.DATA_CHANNEL_ACK) and "sctp-no-dcep-ack" in ACTIVE:
            return
        if kind == pack("!B", sctp.DATA_CHANNEL_OPEN) and "sctp-open-reliable-type" in ACTIVE:
            # channel type 0 (reliable, ordered), reliability parameter 0
            user_data = user_data[:1] + b"\x00" + user_data[2:4] + b"\x00\x00\x00\x00" + user_data[8:]
        if "sctp-dcep-unordered" in ACTIVE:
            ordered = False
        if "sctp-dcep-wrong-ppid" in ACTIVE:
            pp_id = sctp.WEBRTC_STRING
    else:
        for fault, swap in SWAPS.items():
            if fault in ACTIVE:
                pp_id = swap.get(pp_id, pp_id)
        if "sctp-unordered-as-ordered" in ACTIVE:
            ordered = True
        if "sctp-ordered-as-unordered" in ACTIVE:
            ordered = False
        if "sctp-user-data-on-next-stream" in ACTIVE:
            stream_id += 2
    if "sctp-eight-streams" in ACTIVE and stream_id > 7:
        return
    return await _send(self, stream_id, pp_id, user_data, expiry, max_retransmits, ordered)


_start = sctp.RTCSctpTransport.start


async def _faulty_start(self, remoteCaps, remotePort):
    await _start(self, remoteCaps, remotePort)
    # Channels are given streams only once the association is up, after this.
    if "sctp-wrong-stream-parity" in ACTIVE:
        self._data_channel_id ^= 1


_set_extensions = sctp.RTCSctpTransport._set_extensions


def _faulty_set_extensions(self, params) -> None:
    if "sctp-init-no-extensions" not in ACTIVE:
        _set_extensions(self, params)


_data_channel_close = sctp.RTCSctpTransport._data_channel_close


def _faulty_data_channel_close(self, channel) -> None:
    if "sctp-close-without-reset" not in ACTIVE:
        return _data_channel_close(self, channel)
    # Closed at once, as if the stream had been reset, without telling the peer.
    if channel.id is not None:
        self._data_channels.pop(channel.id, None)
    channel._setReadyState("closed")


_data_channel_receive = sctp.RTCSctpTransport._data_channel_receive
AS_NON_EMPTY = {sctp.WEBRTC_STRING_EMPTY: sctp.WEBRTC_STRING, sctp.WEBRTC_BINARY_EMPTY: sctp.WEBRTC_BINARY}


async def _faulty_data_channel_receive(self, stream_id, pp_id, data):
    if "sctp-eight-streams" in ACTIVE and stream_id > 7:
        return
    if "sctp-empty-received-as-zero-byte" in ACTIVE:
        pp_id = AS_NON_EMPTY.get(pp_id, pp_id)
    await _data_channel_receive(self, stream_id, pp_id, data)


sctp.RTCSctpTransport._data_channel_receive = _faulty_data_channel_receive
_handle_rtp_data = dtls.RTCDtlsTransport._handle_rtp_data


async def _faulty_handle_rtp_data(self, data, arrival_time_ms):
    if "srtp-drops-inbound" not in ACTIVE:
        await _handle_rtp_data(self, data, arrival_time_ms)


dtls.RTCDtlsTransport._handle_rtp_data = _faulty_handle_rtp_data
_data_channel_send = sctp.RTCSctpTransport._data_channel_send


def _faulty_data_channel_send(self, channel, data) -> None:
    if "sctp-ignores-max-message-size" in ACTIVE:
        # aiortc reads 0 as "any size" (RFC 8841 §6.1), so this lifts its check.
        self._remote_max_message_size = 0
    _data_channel_send(self, channel, data)


sctp.RTCSctpTransport._data_channel_send = _faulty_data_channel_send
_parse_packet = sctp.parse_packet


def _faulty_parse_packet(data: bytes):
    if "sctp-skips-crc32c" in ACTIVE and len(data) >= 12:
        # The checksum the packet should have, put in its place: no packet is invalid.
        fixed = pack("<L", sctp.crc32c(data[0:8] + b"\x00\x00\x00\x00" + data[12:]))
        data = data[0:8] + fixed + data[12:]
    return _parse_packet(data)


sctp.parse_packet = _faulty_parse_packet
_handle_data = sctp.RTCSctpTransport._handle_data


async def _faulty_handle_data(self, data: bytes) -> None:
    if "sctp-ignores-verification-tag" in ACTIVE and len(data) >= 12 and data[4:8] != b"\x00\x00\x00\x00":
        # Its own tag put in, and the checksum made right again: every tag is accepted.
        data = data[0:4] + pack("!L", self._local_verification_tag) + b"\x00\x00\x00\x00" + data[12:]
        data = data[0:8] + pack("<L", sctp.crc32c(data)) + data[12:]
    await _handle_data(self, data)


sctp.RTCSctpTransport._handle_data = _faulty_handle_data
sctp.RTCSctpTransport._send = _faulty_send
sctp.RTCSctpTransport.start = _faulty_start
sctp.RTCSctpTransport._set_extensions = _faulty_set_extensions
sctp.RTCSctpTransport._data_channel_close = _faulty_data_channel_close
