//! RFC 8842 §5.1: the certificate of the DTLS handshake must match a fingerprint of the
//! SDP, or the endpoint tears the session down. The harness announces a fingerprint that is
//! not its certificate's (one hex digit changed) and watches what the target does with the
//! association: no application data may flow, and the target must show it tore it down (an
//! alert, or its connection state failed or closed).

use rtcspec_harness::peer::view::Side;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use crate::live::*;

const TEXT: &str = "The certificate received during the DTLS handshake [RFC6347] MUST \
    match a certificate fingerprint received in SDP \"fingerprint\" \
    attributes according to the procedures defined in [RFC8122]. If \
    fingerprints do not match the hashed certificate, then an endpoint \
    MUST tear down the media session immediately (see [RFC8122]).";

pub const CASES: &[Case] = &[
    Case::new(
        "dtls.8842.5.1.fingerprint-mismatch-torn-down-answerer",
        "The target, answering, tears down a DTLS session whose certificate \
            matches no offered fingerprint",
        Spec::must("RFC 8842", "5.1", TEXT),
        PEER,
        mismatch_as_answerer,
    )
    .tags(SECURITY),
    Case::new(
        "dtls.8842.5.1.fingerprint-mismatch-torn-down-offerer",
        "The target, offering, tears down a DTLS session whose certificate \
            matches no answered fingerprint",
        Spec::must("RFC 8842", "5.1", TEXT),
        PEER,
        mismatch_as_offerer,
    )
    .tags(SECURITY),
];

/// The description with the first hex digit of every fingerprint changed.
fn wrong_fingerprint(sdp: &str) -> String {
    sdp.lines()
        .map(|line| match line.strip_prefix("a=fingerprint:") {
            Some(value) => {
                let (hash, digest) = value.split_once(' ').unwrap_or((value, ""));
                let mut digest: Vec<char> = digest.chars().collect();
                if let Some(c) = digest.first_mut() {
                    *c = if *c == '0' { '1' } else { '0' };
                }
                format!("a=fingerprint:{hash} {}\r\n", digest.into_iter().collect::<String>())
            }
            None => format!("{line}\r\n"),
        })
        .collect()
}

fn mismatch_as_answerer(ctx: &mut Ctx) -> Verdict {
    torn_down(ctx, Offerer::Harness)
}

fn mismatch_as_offerer(ctx: &mut Ctx) -> Verdict {
    torn_down(ctx, Offerer::Target)
}

fn torn_down(ctx: &mut Ctx, offerer: Offerer) -> Verdict {
    let LiveCall { view, summary, target_states, .. } = call_and_read_with(ctx, offerer, Some(wrong_fingerprint))?;
    if view.dtls_client.is_none() {
        return Err(Outcome::Error { why: format!("no DTLS handshake started, nothing to judge ({summary})") });
    }
    let data = view.application_data_from(Side::Target);
    if data > 0 {
        return Ok(Outcome::fail(
            "no application data over a DTLS session whose certificate matches no \
                SDP fingerprint",
            format!("the target sent {data} application data record(s); {summary}"),
        ));
    }
    let alerted = view.alerts_from(Side::Target) > 0;
    let failed = target_states.iter().any(|s| s == "failed" || s == "closed");
    if alerted || failed {
        return Ok(Outcome::Pass);
    }
    Ok(Outcome::fail(
        "the target tears the session down: a DTLS alert, or its connection \
            state failed or closed",
        format!(
            "no alert and no failed or closed state within the case's wait; \
                {summary}"
        ),
    ))
}
