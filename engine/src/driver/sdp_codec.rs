//! SDP parsers of the in-process targets, behind `SdpCodec`: parse, then serialize back.
//! What a parser kept is judged on its output with rtcspec's own reader, so every stack is
//! compared the same way whatever its internal model.

use std::io::Cursor;

use super::{SdpCodec, TargetError};
use crate::sdp::lint::{self, Finding};
use crate::sdp::Sdp;

/// webrtc-rs `rtc-sdp`: `SessionDescription::unmarshal` then `marshal`.
pub struct ReferenceSdp;

impl SdpCodec for ReferenceSdp {
    fn round_trip(&mut self, sdp: &str) -> Result<Result<String, String>, TargetError> {
        Ok(rtc_sdp::SessionDescription::unmarshal(&mut Cursor::new(sdp.as_bytes()))
            .map(|d| d.marshal())
            .map_err(|e| e.to_string()))
    }
}

/// str0m: `SdpOffer::from_sdp_string` then `to_sdp_string`.
pub struct Str0mSdp;

impl SdpCodec for Str0mSdp {
    fn round_trip(&mut self, sdp: &str) -> Result<Result<String, String>, TargetError> {
        Ok(str0m::change::SdpOffer::from_sdp_string(sdp).map(|o| o.to_sdp_string()).map_err(|e| e.to_string()))
    }
}

/// The RFC model: rejects what breaks a MUST of the SDP grammar rules (syntax, unknown
/// type letters, required lines, order), accepts LF line endings, and writes every line
/// back unchanged with CRLF.
pub struct ModelSdp;

/// Grammar rules whose violation makes the model reject a description: JSEP §5.8 rejects
/// any line that is not well formed. Semantic rules (c= coverage, credentials per stream,
/// fingerprint length, related addresses, limits on what is sent) are not parse errors.
pub const REJECTING_RULES: [&str; 24] = [
    lint::SYNTAX.id,
    lint::UNKNOWN_TYPE.id,
    lint::REQUIRED.id,
    lint::ORDER.id,
    lint::TEXT.id,
    lint::VERSION.id,
    lint::ORIGIN.id,
    lint::TIMING.id,
    lint::MEDIA_LINE.id,
    lint::RTP_FORMATS.id,
    lint::UFRAG.id,
    lint::PWD.id,
    lint::CANDIDATE.id,
    lint::COMPONENT.id,
    lint::PRIORITY.id,
    lint::FINGERPRINT.id,
    lint::SCTP_PORT.id,
    lint::MAX_MESSAGE_SIZE.id,
    lint::RTPMAP.id,
    lint::EXTMAP.id,
    lint::SSRC.id,
    lint::RTCP_FB.id,
    lint::TLS_ID.id,
    lint::CONNECTION_SYNTAX.id,
];

impl SdpCodec for ModelSdp {
    fn round_trip(&mut self, sdp: &str) -> Result<Result<String, String>, TargetError> {
        let (findings, _) = lint::lint(sdp.as_bytes());
        let fatal: Vec<&Finding> = findings.iter().filter(|f| REJECTING_RULES.contains(&f.rule)).collect();
        if let Some(f) = fatal.first() {
            return Ok(Err(format!("line {}: {} ({})", f.line, f.message, f.rule)));
        }
        let parsed = Sdp::parse(sdp.as_bytes());
        let mut out = String::with_capacity(sdp.len() + parsed.lines.len());
        for l in parsed.lines.iter().filter(|l| !l.raw.is_empty()) {
            out.push_str(&l.raw);
            out.push_str("\r\n");
        }
        Ok(Ok(out))
    }
}
