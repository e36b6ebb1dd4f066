"""The peer operations of ../PROTOCOL.md for aiortc: one RTCPeerConnection, driven by
rtcspec's requests, reporting what aiortc reports as event lines.

aiortc runs on an asyncio loop in a background thread, so ICE, DTLS and SCTP go on between
requests; a request waits for its coroutine on that loop. Everything the connection does is
aiortc's own: this file translates requests into calls and callbacks into events.
"""

import asyncio
import threading

import aioice.ice

from shim_protocol import Rejected, emit

# Loopback only: host candidates on 127.0.0.1 and no STUN server (aiortc adds Google's by
# default). Must happen before aiortc is imported.
aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription  # noqa: E402
from aiortc.rtcicetransport import RTCIceGatherer  # noqa: E402
from aiortc.rtcrtpreceiver import RTCRtpReceiver  # noqa: E402
from aiortc.sdp import candidate_from_sdp  # noqa: E402

import aiortc_faults  # noqa: E402  (installs the mutant's faults, inactive until named)
import aiortc_keylog  # noqa: E402  (installs the DTLS key log callback)

RTCIceGatherer.getDefaultIceServers = staticmethod(lambda: [])

_handle_rtp_packet = RTCRtpReceiver._handle_rtp_packet


async def _reporting_rtp_packet(self, packet, arrival_time_ms):
    """Reports each RTP packet aiortc's transport hands a receiver: past SRTP (the transport
    unprotects and drops before routing), before any jitter buffer."""
    report = getattr(self, "_rtcspec_report", None)
    if report is not None and report():
        emit("rtp", ssrc=packet.ssrc, seq=packet.sequence_number)
    return await _handle_rtp_packet(self, packet, arrival_time_ms)


RTCRtpReceiver._handle_rtp_packet = _reporting_rtp_packet

# Shorter than rtcspec's per-request timeout (5 s), so a stuck call becomes an error answer.
REQUEST_TIMEOUT = 4.0


def _text(req: dict, key: str) -> str:
    value = req.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a string")
    return value


def _optional_int(req: dict, key: str):
    value = req.get(key)
    if value is not None and not isinstance(value, int):
        raise ValueError(f"{key} must be an integer or null")
    return value


class Peer:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="aiortc-loop", daemon=True).start()
        self.pc = None
        self.channels = {}
        self.keylog_from = 0

    def run(self, coro):
        """Runs a coroutine on the peer's loop and returns its result (or raises)."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(REQUEST_TIMEOUT)
        except TimeoutError:
            future.cancel()
            raise RuntimeError(f"aiortc did not finish within {REQUEST_TIMEOUT} s") from None

    # Events -----------------------------------------------------------------------------

    def _watch(self, pc, channel) -> None:
        """Reports a channel's life, ours or the remote's, while `pc` is the current one."""
        self.channels[channel.label] = channel

        def current() -> bool:
            return self.pc is pc

        def opened() -> None:
            if current():
                emit(
                    "channel_open",
                    label=channel.label,
                    stream=channel.id,
                    ordered=channel.ordered,
                    protocol=channel.protocol,
                    max_retransmits=channel.maxRetransmits,
                    max_packet_life_time=channel.maxPacketLifeTime,
                )

        @channel.on("message")
        def on_message(message) -> None:
            if not current():
                return
            if isinstance(message, str):
                emit("message", label=channel.label, stream=channel.id, text=message)
            else:
                emit("message", label=channel.label, stream=channel.id, hex=bytes(message).hex())

        @channel.on("close")
        def on_close() -> None:
            if current():
                emit("channel_close", label=channel.label, stream=channel.id)

        if channel.readyState == "open":
            opened()  # a remote channel is open when aiortc announces it
        else:
            channel.on("open", opened)

    async def _start(self, req: dict) -> dict:
        aiortc_faults.set_faults(req.get("faults"))
        # The previous connection closes in the background: the new call need not wait.
        old, self.pc = self.pc, None
        if old is not None:
            asyncio.ensure_future(old.close())
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pc, self.channels = pc, {}
        self.keylog_from = len(aiortc_keylog.KEY_LINES)

        @pc.on("iceconnectionstatechange")
        def on_ice() -> None:
            if self.pc is pc:
                emit("ice_state", state=pc.iceConnectionState)

        @pc.on("connectionstatechange")
        def on_connection() -> None:
            if self.pc is pc:
                emit("connection_state", state=pc.connectionState)

        @pc.on("datachannel")
        def on_datachannel(channel) -> None:
            self._watch(pc, channel)

        @pc.on("track")
        def on_track(_track) -> None:
            for transceiver in pc.getTransceivers():
                transceiver.receiver._rtcspec_report = lambda: self.pc is pc

        return {"ok": True}

    def _pc(self):
        if self.pc is None:
            raise ValueError("no peer connection: send peer.start first")
        return self.pc

    # Operations -------------------------------------------------------------------------

    async def _channel(self, req: dict) -> dict:
        pc = self._pc()
        negotiated = _optional_int(req, "negotiated_id")
        ordered = req.get("ordered", True)
        if not isinstance(ordered, bool):
            raise ValueError("ordered must be a boolean")
        channel = pc.createDataChannel(
            _text(req, "label"),
            maxPacketLifeTime=_optional_int(req, "max_packet_life_time"),
            maxRetransmits=_optional_int(req, "max_retransmits"),
            ordered=ordered,
            protocol=req.get("protocol") or "",
            negotiated=negotiated is not None,
            id=negotiated,
        )
        self._watch(pc, channel)
        return {"ok": True}

    async def _offer(self, req: dict) -> dict:
        pc = self._pc()
        await pc.setLocalDescription(await pc.createOffer())  # aiortc gathers here
        return {"ok": True, "sdp": pc.localDescription.sdp}

    async def _answer(self, req: dict) -> dict:
        pc = self._pc()
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=_text(req, "sdp"), type="offer"))
            await pc.setLocalDescription(await pc.createAnswer())
        except (ValueError, AssertionError, KeyError) as e:  # aiortc refusing the offer
            raise Rejected(f"{type(e).__name__}: {e}") from None
        return {"ok": True, "sdp": pc.localDescription.sdp}

    async def _accept(self, req: dict) -> dict:
        pc = self._pc()
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=_text(req, "sdp"), type="answer"))
        except (ValueError, AssertionError, KeyError) as e:
            raise Rejected(f"{type(e).__name__}: {e}") from None
        return {"ok": True}

    async def _candidate(self, req: dict) -> dict:
        pc = self._pc()
        line = _text(req, "candidate")
        if not line:
            await pc.addIceCandidate(None)
            return {"ok": True}
        candidate = candidate_from_sdp(line.split(":", 1)[1] if line.startswith("candidate:") else line)
        candidate.sdpMid = req.get("mid") or "0"
        await pc.addIceCandidate(candidate)
        return {"ok": True}

    async def _send(self, req: dict) -> dict:
        label = _text(req, "label")
        channel = self.channels.get(label)
        if channel is None or channel.readyState != "open":
            raise Rejected(f"no open data channel {label!r}")
        if "hex" in req:
            channel.send(bytes.fromhex(_text(req, "hex")))
        else:
            channel.send(_text(req, "text"))
        return {"ok": True}

    async def _close_channel(self, req: dict) -> dict:
        label = _text(req, "label")
        channel = self.channels.get(label)
        if channel is None:
            raise Rejected(f"no data channel {label!r}")
        channel.close()
        return {"ok": True}

    async def _keylog(self, req: dict) -> dict:
        lines = aiortc_keylog.KEY_LINES[self.keylog_from :]
        return {"ok": True, "lines": list(dict.fromkeys(lines))}

    async def _close(self, req: dict | None = None) -> dict:
        pc, self.pc = self.pc, None
        if pc is not None:
            await pc.close()
        return {"ok": True}

    def ops(self) -> dict:
        """The protocol's peer operations, each run on the peer's loop."""
        table = {
            "peer.start": self._start,
            "peer.channel": self._channel,
            "peer.offer": self._offer,
            "peer.answer": self._answer,
            "peer.accept": self._accept,
            "peer.candidate": self._candidate,
            "peer.send": self._send,
            "peer.close_channel": self._close_channel,
            "peer.keylog": self._keylog,
            "peer.close": self._close,
        }
        return {op: (lambda req, f=f: self.run(f(req))) for op, f in table.items()}

    def shutdown(self) -> None:
        try:
            self.run(self._close())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
