#!/usr/bin/env python3
"""rtcspec shim for aioice (Python): its STUN codec and its ICE agent as a responder.

Speaks the stdio JSON-lines protocol of ../PROTOCOL.md: one request per line on stdin,
exactly one response line per request on stdout, in order; logs go to stderr only.

Everything STUN-related is done by aioice itself (aioice.stun for the codec, a real
aioice.Connection for the responder); this file only translates between the protocol's
JSON model and aioice's objects, so that rtcspec judges aioice and not the shim.
"""

import asyncio
import importlib.metadata
import ipaddress
import logging
import sys
import threading
from typing import Any

from shim_protocol import Rejected, Unsupported, serve  # first: it guards stdout

import aioice
import aioice.ice
from aioice import stun

log = logging.getLogger("rtcspec_shim")

# Longer than gathering a single loopback candidate ever takes, shorter than rtcspec's
# 5 s per-request timeout, so a stuck agent becomes an error answer rather than a hang.
AGENT_CALL_TIMEOUT = 4.0

CAPABILITIES = ["stun-codec", "stun-check", "stun-encode", "stun-responder", "stun-short-term"]

CLASS_NAMES = {
    stun.Class.REQUEST: "request",
    stun.Class.INDICATION: "indication",
    stun.Class.RESPONSE: "success",
    stun.Class.ERROR: "error",
}
CLASSES_BY_NAME = {name: cls for cls, name in CLASS_NAMES.items()}

# Encode model kinds that map one-to-one onto an aioice attribute; the converter turns
# the JSON attribute into the Python value aioice's packer for that attribute expects.
ENCODE_KINDS = {
    "xor-mapped-address": ("XOR-MAPPED-ADDRESS", lambda a: parse_addr(a["addr"])),
    "username": ("USERNAME", lambda a: a["value"]),
    "software": ("SOFTWARE", lambda a: a["value"]),
    "realm": ("REALM", lambda a: a["value"]),
    # aioice packs NONCE as raw bytes, not as a string.
    "nonce": ("NONCE", lambda a: a["value"].encode("utf-8")),
    "error-code": ("ERROR-CODE", lambda a: (int(a["code"]), a["reason"])),
    "priority": ("PRIORITY", lambda a: int(a["value"])),
    "ice-controlled": ("ICE-CONTROLLED", lambda a: int(a["tie_breaker"], 16)),
    "ice-controlling": ("ICE-CONTROLLING", lambda a: int(a["tie_breaker"], 16)),
    "use-candidate": ("USE-CANDIDATE", lambda a: None),
}

# Kinds of the model aioice has no way to write: it has no UNKNOWN-ATTRIBUTES attribute
# and can only serialise attributes from its own table.
UNENCODABLE_KINDS = {
    "unknown-attributes": "aioice does not implement UNKNOWN-ATTRIBUTES",
    "raw": "aioice can only write attributes from its own table, not raw ones",
}


# ---------------------------------------------------------------------------------------
# Address and hex helpers


def parse_addr(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep:
        raise ValueError(f"address {text!r} has no port")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return (str(ipaddress.ip_address(host)), int(port))


def format_addr(addr: tuple[str, int]) -> str:
    host, port = addr[0], addr[1]
    if ipaddress.ip_address(host).version == 6:
        return f"[{host}]:{port}"
    return f"{host}:{port}"


def unhex(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a hex string")
    try:
        return bytes.fromhex(value)
    except ValueError as e:
        raise ValueError(f"{what} is not valid hex: {e}") from None


# ---------------------------------------------------------------------------------------
# Codec operations


def op_hello(req: dict) -> dict:
    return {
        "ok": True,
        "implementation": "aioice",
        "version": importlib.metadata.version("aioice"),
        "capabilities": CAPABILITIES,
    }


def op_stun_decode(req: dict) -> dict:
    data = unhex(req.get("hex"), "hex")
    try:
        msg = stun.parse_message(data)
    except Exception as e:  # any failure of the parser is aioice rejecting the input
        raise Rejected(f"{type(e).__name__}: {e}") from None

    # aioice drops attributes it does not know and keeps only decoded values (in a dict,
    # so also no duplicates and no wire order), hence no "attributes" key.
    return {
        "ok": True,
        "message": {
            "class": CLASS_NAMES[msg.message_class],
            # aioice only accepts the methods of its Method enum, all below 0x10, where
            # its masked type value equals the RFC method number.
            "method": int(msg.message_method),
            "transaction_id": msg.transaction_id.hex(),
            "fields": decoded_fields(msg.attributes),
        },
    }


def decoded_fields(attrs: dict) -> dict:
    fields: dict[str, Any] = {}
    for name, key in (("XOR-MAPPED-ADDRESS", "xor_mapped_address"), ("MAPPED-ADDRESS", "mapped_address")):
        if name in attrs:
            fields[key] = format_addr(attrs[name])
    for name, key in (("USERNAME", "username"), ("REALM", "realm"), ("SOFTWARE", "software")):
        if name in attrs:
            fields[key] = attrs[name]
    if "NONCE" in attrs:
        # aioice keeps NONCE as bytes; a nonce that is not UTF-8 has no text to report.
        try:
            fields["nonce"] = attrs["NONCE"].decode("utf-8")
        except UnicodeDecodeError:
            log.info("NONCE is not UTF-8, not reported as a field: %s", attrs["NONCE"].hex())
    if "ERROR-CODE" in attrs:
        code, reason = attrs["ERROR-CODE"]
        fields["error_code"] = {"code": code, "reason": reason}
    # UNKNOWN-ATTRIBUTES (0x000A) is not in aioice's attribute table, so never decoded.
    return fields


def op_stun_check(req: dict) -> dict:
    data = unhex(req.get("hex"), "hex")
    check = req.get("check")
    if check == "message-integrity-sha256":
        raise Unsupported("aioice does not implement MESSAGE-INTEGRITY-SHA256")
    if check not in ("message-integrity", "fingerprint"):
        raise Unsupported(f"unknown check {check!r}")
    key = unhex(req.get("key_hex") or "", "key_hex")

    # aioice verifies FINGERPRINT inside parse_message() and MESSAGE-INTEGRITY afterwards
    # with Message.check_message_integrity(), as its StunProtocol does on receipt. A
    # message the parser rejects never gets its integrity checked, so it is not valid.
    try:
        msg = stun.parse_message(data)
    except Exception as e:
        reason = f"message rejected: {type(e).__name__}: {e}"
        # aioice's only signal for a FINGERPRINT mismatch is the text of the ValueError.
        if check == "fingerprint" and "fingerprint" in str(e).lower():
            reason = "FINGERPRINT does not match"
        return {"ok": True, "valid": False, "reason": reason}

    if check == "fingerprint":
        # parse_message() raised above if a FINGERPRINT was present and wrong.
        if "FINGERPRINT" not in msg.attributes:
            return {"ok": True, "valid": False, "reason": "no FINGERPRINT"}
        return {"ok": True, "valid": True}

    # check_message_integrity() already fails without the attribute; checking presence
    # here only gives a clearer reason.
    if "MESSAGE-INTEGRITY" not in msg.attributes:
        return {"ok": True, "valid": False, "reason": "no MESSAGE-INTEGRITY"}
    if msg.check_message_integrity(key):
        return {"ok": True, "valid": True}
    return {"ok": True, "valid": False, "reason": "MESSAGE-INTEGRITY does not match"}


def op_stun_encode(req: dict) -> dict:
    model = req.get("message")
    if not isinstance(model, dict):
        raise ValueError("message must be an object")
    try:
        cls = CLASSES_BY_NAME[model["class"]]
    except KeyError:
        raise ValueError(f"unknown class {model.get('class')!r}") from None
    try:
        method = stun.Method(int(model["method"]))
    except ValueError:
        raise Unsupported(f"aioice has no STUN method {model['method']}") from None
    txid = unhex(model.get("transaction_id"), "transaction_id")
    if len(txid) != 12:
        raise ValueError(f"transaction_id is {len(txid)} bytes, not 12")

    msg = stun.Message(message_method=method, message_class=cls, transaction_id=txid)
    for attr in model.get("attributes", []):
        kind = attr.get("kind")
        if kind == "message-integrity":
            if "MESSAGE-INTEGRITY" in msg.attributes or "FINGERPRINT" in msg.attributes:
                # add_message_integrity() first removes both, so it cannot place
                # MESSAGE-INTEGRITY after a FINGERPRINT or write it twice.
                raise Unsupported("aioice cannot add MESSAGE-INTEGRITY after MESSAGE-INTEGRITY or FINGERPRINT")
            msg.add_message_integrity(unhex(attr.get("key_hex"), "key_hex"))
            # add_message_integrity() always appends a FINGERPRINT too. The HMAC does not
            # cover it, so removing it leaves exactly what aioice computed; the model's
            # own "fingerprint" entry, if any, adds it back with add_fingerprint().
            del msg.attributes["FINGERPRINT"]
        elif kind == "fingerprint":
            if "FINGERPRINT" in msg.attributes:
                raise Unsupported("aioice cannot write FINGERPRINT twice")
            msg.add_fingerprint()
        elif kind in ENCODE_KINDS:
            name, convert = ENCODE_KINDS[kind]
            if name in msg.attributes:
                # Message.attributes is a dict keyed by name: one value per attribute.
                raise Unsupported(f"aioice cannot write {name} twice")
            msg.attributes[name] = convert(attr)
        elif kind in UNENCODABLE_KINDS:
            raise Unsupported(UNENCODABLE_KINDS[kind])
        else:
            raise Unsupported(f"unknown attribute kind {kind!r}")
    return {"ok": True, "hex": bytes(msg).hex()}


# ---------------------------------------------------------------------------------------
# Responder: a real aioice.Connection on 127.0.0.1


def loopback_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    return ["127.0.0.1"]


# aioice gathers host candidates on every interface and deliberately skips 127.0.0.1,
# while rtcspec needs one agent bound to loopback only. gather_candidates() looks the
# function up in aioice.ice's namespace at call time, so replacing it there suffices.
aioice.ice.get_host_addresses = loopback_host_addresses


class Agent:
    """One aioice.Connection living on an asyncio loop in a background thread.

    The main thread keeps reading stdin synchronously, which keeps the answers in order,
    while aioice answers Binding requests on its own loop whenever they arrive.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="aioice-loop", daemon=True)
        self.thread.start()
        self.connection: aioice.Connection | None = None

    def call(self, coro) -> Any:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(AGENT_CALL_TIMEOUT)
        except TimeoutError:
            future.cancel()
            raise TimeoutError(f"aioice did not finish within {AGENT_CALL_TIMEOUT} s") from None

    async def start(self, req: dict) -> str:
        await self.stop()
        # Connection() validates the local credentials (ice-char, 4+ and 22+ long) and
        # raises ValueError otherwise; that error is the answer.
        connection = aioice.Connection(
            ice_controlling=bool(req.get("controlling", False)),
            local_username=req["local_ufrag"],
            local_password=req["local_pwd"],
            use_ipv4=True,
            use_ipv6=False,
        )
        # Set as an application does after the offer/answer exchange. The remote ufrag is
        # what request_received() compares with the part after ":" in USERNAME.
        connection.remote_username = req["remote_ufrag"]
        connection.remote_password = req["remote_pwd"]
        if req.get("tie_breaker"):
            # aioice draws its tie-breaker at random and offers no setter.
            connection._tie_breaker = int(req["tie_breaker"], 16)
        try:
            await connection.gather_candidates()
        except BaseException:
            await connection.close()
            raise
        self.connection = connection
        # connect() is deliberately not called: it would send checks of our own. Before
        # connect(), request_received() still authenticates and answers every Binding
        # request (success, 400, 401 or 487); it only queues the request as an "early
        # check" (a bounded deque) for a connect() that never comes.
        hosts = [c for c in connection.local_candidates if c.type == "host" and c.transport == "udp"]
        if not hosts:
            raise RuntimeError("aioice gathered no UDP host candidate on 127.0.0.1")
        addr = format_addr((hosts[0].host, hosts[0].port))
        log.info("responder %s listening on %s (controlling=%s)", connection, addr, connection.ice_controlling)
        return addr

    async def stop(self) -> None:
        if self.connection is not None:
            connection, self.connection = self.connection, None
            await connection.close()
            log.info("responder %s stopped", connection)

    def shutdown(self) -> None:
        try:
            self.call(self.stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=1.0)


_agent: Agent | None = None


def agent() -> Agent:
    global _agent
    if _agent is None:
        _agent = Agent()
    return _agent


def op_responder_start(req: dict) -> dict:
    for key in ("local_ufrag", "local_pwd", "remote_ufrag", "remote_pwd"):
        if not isinstance(req.get(key), str):
            raise ValueError(f"{key} must be a string")
    a = agent()
    return {"ok": True, "addr": a.call(a.start(req))}


def op_responder_stop(req: dict) -> dict:
    if _agent is not None:
        _agent.call(_agent.stop())
    return {"ok": True}


# ---------------------------------------------------------------------------------------
# The stdio loop

OPS = {
    "hello": op_hello,
    "stun.decode": op_stun_decode,
    "stun.check": op_stun_check,
    "stun.encode": op_stun_encode,
    "stun.responder.start": op_responder_start,
    "stun.responder.stop": op_responder_stop,
}


def stop_agent() -> None:
    if _agent is not None:
        _agent.shutdown()


if __name__ == "__main__":
    sys.exit(serve(f"aioice {importlib.metadata.version('aioice')}", OPS, stop_agent))
