//! RFC 8841 §9.3: both SCTP endpoints initiate the association, whichever DTLS or ICE role
//! they have. A stack that waits for the other side's INIT in one role cannot establish a
//! data channel with another stack that waits in the same situation.

use rtcspec_harness::peer::view::Side;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};
use rtcspec_wire::sctp::{INIT, INIT_ACK};

use crate::live::*;

const TEXT: &str = "When an SCTP association is established, both SCTP endpoints MUST \
    initiate the SCTP association (i.e., both SCTP endpoints take the \
    \"active\" role).";

pub const CASES: &[Case] = &[
    Case::new(
        "sctp.8841.9.3.offerer-sends-init",
        "The target, as the offerer, sends an SCTP INIT after DTLS",
        Spec::must("RFC 8841", "9.3", TEXT),
        PEER,
        offerer_sends_init,
    ),
    Case::new(
        "sctp.8841.9.3.answerer-sends-init",
        "The target, as the answerer, sends an SCTP INIT after DTLS",
        Spec::must("RFC 8841", "9.3", TEXT),
        PEER,
        answerer_sends_init,
    ),
];

fn offerer_sends_init(ctx: &mut Ctx) -> Verdict {
    target_sends_init(ctx, Offerer::Target)
}

fn answerer_sends_init(ctx: &mut Ctx) -> Verdict {
    target_sends_init(ctx, Offerer::Harness)
}

fn side_name(side: Option<Side>) -> &'static str {
    match side {
        Some(Side::Target) => "the DTLS client",
        Some(Side::Harness) => "the DTLS server",
        None => "in no DTLS role",
    }
}

fn target_sends_init(ctx: &mut Ctx, offerer: Offerer) -> Verdict {
    let LiveCall { view, summary, .. } = call_and_read(ctx, offerer)?;
    if !view.dtls_complete() {
        return Err(Outcome::Error {
            why: format!(
                "the DTLS handshake did not complete, so SCTP cannot be judged \
                    ({summary})"
            ),
        });
    }
    if let Some(why) = &view.unreadable {
        if view.chunks.is_empty() && view.first_application_data.is_some() {
            return Err(Outcome::Error { why: format!("the call's DTLS records could not be decrypted: {why}") });
        }
    }
    let inits = view.sent(Side::Target, INIT).count();
    if inits > 0 {
        return Ok(Outcome::Pass);
    }
    let harness_inits = view.sent(Side::Harness, INIT).count();
    let acks = view.sent(Side::Target, INIT_ACK).count();
    Ok(Outcome::fail(
        "the target sends an SCTP INIT once DTLS is up (both endpoints \
            initiate)",
        format!(
            "no INIT from the target, which was {}; the harness sent \
                {harness_inits} INIT(s) and the target answered {acks} with INIT ACK; \
                {summary}",
            side_name(view.dtls_client),
        ),
    ))
}
