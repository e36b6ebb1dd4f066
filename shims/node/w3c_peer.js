// The peer operations of ../PROTOCOL.md on the W3C RTCPeerConnection API, for every stack
// that implements that API: libwebrtc in Node (@roamhq/wrtc), and the browsers, where this
// same function runs inside the page (browser.js sends it there as source text). So it must
// be self-contained: it uses only its arguments and what a browser and Node both have.
//
//   w3cPeerOps(env) -> { "peer.start": async (req) => fields, ... }
//
// env.RTCPeerConnection  the implementation's constructor
// env.emit(event, fields) reports an event line
// env.rtpTap(pc, receiver, report)  optional: calls report(ssrc, seq) for each RTP packet the
//                        receiver takes in past SRTP (browsers: an encoded transform)
// env.pcConfig           optional: extra RTCConfiguration members
//
// An operation the implementation refuses resolves to {rejected: "its message"} (an error
// thrown inside a page loses its type on the way out, so refusals are values); any other
// failure throws.
function w3cPeerOps(env) {
  "use strict";
  const GATHER_WAIT_MS = 3000;
  let pc = null;
  let channels = new Map();

  const emit = (owner, event, fields) => {
    if (owner === pc) env.emit(event, fields);
  };
  const need = () => {
    if (!pc) throw new Error("no peer connection: send peer.start first");
    return pc;
  };
  const refused = (e) => ({ rejected: `${(e && e.name) || "Error"}: ${(e && e.message) || e}` });
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  const unhex = (text) => {
    if (typeof text !== "string" || text.length % 2 !== 0 || /[^0-9a-fA-F]/.test(text)) {
      throw new TypeError("hex must be an even-length hex string");
    }
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(i * 2, 2), 16);
    return out;
  };
  const text = (req, key) => {
    if (typeof req[key] !== "string") throw new TypeError(`${key} must be a string`);
    return req[key];
  };
  const optionalInt = (req, key) => {
    const v = req[key];
    if (v === undefined || v === null) return undefined;
    if (!Number.isInteger(v)) throw new TypeError(`${key} must be an integer or null`);
    return v;
  };
  const orNull = (v) => (v === undefined || v === null ? null : v);

  const watch = (owner, ch) => {
    channels.set(ch.label, ch);
    ch.binaryType = "arraybuffer";
    let announced = false;
    const opened = () => {
      if (announced) return;
      announced = true;
      emit(owner, "channel_open", {
        label: ch.label,
        stream: orNull(ch.id),
        ordered: ch.ordered,
        protocol: ch.protocol || "",
        max_retransmits: orNull(ch.maxRetransmits),
        max_packet_life_time: orNull(ch.maxPacketLifeTime),
      });
    };
    ch.addEventListener("open", opened);
    ch.addEventListener("close", () => emit(owner, "channel_close", { label: ch.label, stream: orNull(ch.id) }));
    ch.addEventListener("message", (m) => {
      if (typeof m.data === "string") {
        emit(owner, "message", { label: ch.label, stream: orNull(ch.id), text: m.data });
      } else {
        emit(owner, "message", { label: ch.label, stream: orNull(ch.id), hex: hex(new Uint8Array(m.data)) });
      }
    });
    if (ch.readyState === "open") opened();
  };

  // Waits until gathering completes (bounded: the description is then sent as it is).
  const gathered = (p) =>
    new Promise((resolve) => {
      if (p.iceGatheringState === "complete") return resolve();
      const timer = setTimeout(resolve, GATHER_WAIT_MS);
      p.addEventListener("icegatheringstatechange", () => {
        if (p.iceGatheringState === "complete") {
          clearTimeout(timer);
          resolve();
        }
      });
    });

  return {
    "peer.start": async () => {
      // The previous connection closes in the background; its events are no longer ours.
      const old = pc;
      pc = null;
      if (old) {
        try {
          old.close();
        } catch (_) {
          // already closed
        }
      }
      const p = new env.RTCPeerConnection(Object.assign({ iceServers: [] }, env.pcConfig || {}));
      pc = p;
      channels = new Map();
      p.addEventListener("iceconnectionstatechange", () => emit(p, "ice_state", { state: p.iceConnectionState }));
      p.addEventListener("connectionstatechange", () => emit(p, "connection_state", { state: p.connectionState }));
      p.addEventListener("datachannel", (e) => watch(p, e.channel));
      p.addEventListener("track", (e) => {
        if (env.rtpTap) env.rtpTap(p, e.receiver, (ssrc, seq) => emit(p, "rtp", { ssrc, seq }));
      });
      return {};
    },
    "peer.channel": async (req) => {
      const p = need();
      if (req.ordered !== undefined && typeof req.ordered !== "boolean") throw new TypeError("ordered must be a boolean");
      const negotiated = optionalInt(req, "negotiated_id");
      const init = { ordered: req.ordered === undefined ? true : req.ordered };
      const maxRetransmits = optionalInt(req, "max_retransmits");
      const maxPacketLifeTime = optionalInt(req, "max_packet_life_time");
      if (maxRetransmits !== undefined) init.maxRetransmits = maxRetransmits;
      if (maxPacketLifeTime !== undefined) init.maxPacketLifeTime = maxPacketLifeTime;
      if (typeof req.protocol === "string") init.protocol = req.protocol;
      if (negotiated !== undefined) {
        init.negotiated = true;
        init.id = negotiated;
      }
      let ch;
      try {
        ch = p.createDataChannel(text(req, "label"), init);
      } catch (e) {
        return refused(e);
      }
      watch(p, ch);
      return {};
    },
    "peer.offer": async () => {
      const p = need();
      await p.setLocalDescription(await p.createOffer());
      await gathered(p);
      return { sdp: p.localDescription.sdp };
    },
    "peer.answer": async (req) => {
      const p = need();
      try {
        await p.setRemoteDescription({ type: "offer", sdp: text(req, "sdp") });
        await p.setLocalDescription(await p.createAnswer());
      } catch (e) {
        return refused(e);
      }
      await gathered(p);
      return { sdp: p.localDescription.sdp };
    },
    "peer.accept": async (req) => {
      const p = need();
      try {
        await p.setRemoteDescription({ type: "answer", sdp: text(req, "sdp") });
      } catch (e) {
        return refused(e);
      }
      return {};
    },
    "peer.candidate": async (req) => {
      const p = need();
      const candidate = text(req, "candidate");
      const mid = typeof req.mid === "string" && req.mid ? req.mid : "0";
      try {
        // An empty candidate is the end of candidates (RFC 8838 §4.4).
        await p.addIceCandidate({ candidate, sdpMid: mid });
      } catch (e) {
        return refused(e);
      }
      return {};
    },
    "peer.send": async (req) => {
      const label = text(req, "label");
      const ch = channels.get(label);
      if (!ch || ch.readyState !== "open") return { rejected: `no open data channel ${JSON.stringify(label)}` };
      try {
        ch.send(req.hex !== undefined ? unhex(req.hex) : text(req, "text"));
      } catch (e) {
        return refused(e);
      }
      return {};
    },
    "peer.close_channel": async (req) => {
      const label = text(req, "label");
      const ch = channels.get(label);
      if (!ch) return { rejected: `no data channel ${JSON.stringify(label)}` };
      ch.close();
      return {};
    },
    "peer.close": async () => {
      const old = pc;
      pc = null;
      if (old) old.close();
      return {};
    },
    // A fresh endpoint's answer to an offer (capability sdp-answerer): no local description
    // is set, so nothing is gathered and nothing goes on the wire.
    "sdp.answer": async (req) => {
      const p = new env.RTCPeerConnection(Object.assign({ iceServers: [] }, env.pcConfig || {}));
      try {
        await p.setRemoteDescription({ type: "offer", sdp: text(req, "offer") });
        return { answer: (await p.createAnswer()).sdp };
      } catch (e) {
        return refused(e);
      } finally {
        p.close();
      }
    },
  };
}

if (typeof module !== "undefined") module.exports = { w3cPeerOps };
