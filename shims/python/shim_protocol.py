"""The stdio JSON-lines loop of ../PROTOCOL.md, shared by the Python shims.

A shim module defines its operations as functions of the request dict and calls `serve`.
An operation raises `Rejected` when the implementation rejected the input (an ok:false
answer that is a result) and `Unsupported` when the implementation cannot express it.
"""

import json
import logging
import os
import sys
import threading
from typing import Callable

log = logging.getLogger("rtcspec_shim")

# Responses go to the real stdout only. Anything else that prints (a library, a stray
# print) must not corrupt the protocol stream, so sys.stdout is pointed at stderr as soon
# as a shim imports this module, before it imports the library under test.
_protocol_out = sys.stdout
sys.stdout = sys.stderr


class Unsupported(Exception):
    """The operation or input is something the implementation cannot express."""


class Rejected(Exception):
    """The implementation rejected the input: an ok:false answer that is a result."""


# Peer shims emit events from their event loop's thread while the main thread answers
# requests: one line at a time.
_out_lock = threading.Lock()


def send(response: dict) -> None:
    line = json.dumps(response, separators=(",", ":")) + "\n"
    with _out_lock:
        _protocol_out.write(line)
        _protocol_out.flush()


def emit(event: str, **fields) -> None:
    """An event line of the peer operations: no id, never an answer to a request."""
    send({"event": event, **fields})


def handle(ops: dict[str, Callable[[dict], dict]], line: bytes) -> tuple[dict, bool]:
    """Answers one request line; the flag says whether to exit afterwards."""
    try:
        req = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        return {"id": None, "ok": False, "error": f"malformed request line: {e}"}, False
    if not isinstance(req, dict):
        return {"id": None, "ok": False, "error": "request is not a JSON object"}, False

    rid = req.get("id")
    op = req.get("op")
    if op == "shutdown":
        return {"id": rid, "ok": True}, True
    handler = ops.get(op) if isinstance(op, str) else None
    if handler is None:
        return {"id": rid, "ok": False, "unsupported": True, "error": f"unknown op {op!r}"}, False
    try:
        response = handler(req)
    except Unsupported as e:
        response = {"ok": False, "unsupported": True, "error": str(e)}
    except Rejected as e:
        response = {"ok": False, "error": str(e)}
    except (ValueError, KeyError, TypeError) as e:  # most likely a malformed request
        log.warning("op %s failed: %s: %s", op, type(e).__name__, e)
        response = {"ok": False, "error": f"{type(e).__name__}: {e}"}
    except Exception as e:  # anything else: keep the traceback, answer and go on
        log.exception("op %s failed", op)
        response = {"ok": False, "error": f"{type(e).__name__}: {e}"}
    return {"id": rid, **response}, False


def serve(banner: str, ops: dict[str, Callable[[dict], dict]], on_exit: Callable[[], None] | None = None) -> int:
    """Answers requests from stdin until shutdown or end of input."""
    level = os.environ.get("RTCSPEC_SHIM_LOG", "INFO").upper()
    logging.basicConfig(
        stream=sys.stderr,
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    log.info("%s shim started (python %s)", banner, sys.version.split()[0])
    stdin = sys.stdin.buffer
    try:
        while True:
            line = stdin.readline()
            if not line:
                break  # rtcspec closed our stdin: same as shutdown
            if not line.strip():
                continue
            response, exit_now = handle(ops, line)
            send(response)
            if exit_now:
                break
    finally:
        if on_exit is not None:
            try:
                on_exit()
            except Exception:
                log.exception("cleaning up failed")
    return 0
