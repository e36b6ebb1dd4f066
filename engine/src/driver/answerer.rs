//! JSEP answerers of the in-process stacks, behind `SdpAnswerer`: a fresh peer connection
//! per offer, `setRemoteDescription(offer)` then `createAnswer()`. No candidates are gathered,
//! as in the first answer of a trickle-ICE call.

use std::time::Instant;

use super::{SdpAnswerer, TargetError};

/// webrtc-rs `rtc`: `RTCPeerConnection` with the default codecs registered.
pub struct ReferenceAnswerer;

impl SdpAnswerer for ReferenceAnswerer {
    fn answer(&mut self, offer: &str) -> Result<Result<String, String>, TargetError> {
        use rtc::peer_connection::configuration::media_engine::MediaEngine;
        use rtc::peer_connection::sdp::RTCSessionDescription;
        use rtc::peer_connection::RTCPeerConnectionBuilder;

        let mut media = MediaEngine::default();
        media.register_default_codecs().map_err(|e| TargetError::Environment(format!("registering codecs: {e}")))?;
        let now = Instant::now();
        let mut pc = RTCPeerConnectionBuilder::new()
            .with_media_engine(media)
            .build(now)
            .map_err(|e| TargetError::Environment(format!("creating the peer connection: {e}")))?;
        let answer = RTCSessionDescription::offer(offer.to_string())
            .and_then(|offer| pc.set_remote_description(now, offer))
            .and_then(|()| pc.create_answer(None));
        Ok(answer.map(|a| a.sdp).map_err(|e| e.to_string()))
    }
}

/// str0m: `Rtc::sdp_api().accept_offer`.
pub struct Str0mAnswerer;

impl SdpAnswerer for Str0mAnswerer {
    fn answer(&mut self, offer: &str) -> Result<Result<String, String>, TargetError> {
        let offer = match str0m::change::SdpOffer::from_sdp_string(offer) {
            Ok(o) => o,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let mut rtc = str0m::Rtc::new(Instant::now());
        Ok(rtc.sdp_api().accept_offer(offer).map(|a| a.to_sdp_string()).map_err(|e| e.to_string()))
    }
}
