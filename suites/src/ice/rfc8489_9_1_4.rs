//! RFC 8489 §9.1.4 as ICE uses it (RFC 8445 §7.2.5): a response to the target's check that
//! does not authenticate is discarded "as if it had never been received". The harness answers
//! every check of the target with a success that is unsigned, or signed with the wrong
//! password; the target's checks can then never succeed, so it must never take a pair as valid
//! and report ICE connected. (A well-signed response to no transaction of the target's is
//! §6.3's file.)

use rtcspec_harness::peer::StunFault;
use rtcspec_harness::{Case, Ctx, Spec, Verdict};

use super::kit::*;
use crate::live::*;

const DISCARD: &str = "If the value does not match, or if both MESSAGE-INTEGRITY and \
    MESSAGE-INTEGRITY-SHA256 are absent, the processing depends on \
    whether the request was sent over a reliable or an unreliable \
    transport. If the request was sent over an unreliable transport, the \
    response MUST be discarded, as if it had never been received.";

pub const CASES: &[Case] = &[
    Case::new(
        "ice.8489.9.1.4.unsigned-response-discarded",
        "Successes without MESSAGE-INTEGRITY to the target's checks are \
            discarded: the target never reports ICE connected",
        Spec::must("RFC 8489", "9.1.4", DISCARD),
        PEER,
        unsigned_response_discarded,
    )
    .tags(SECURITY),
    Case::new(
        "ice.8489.9.1.4.wrong-key-response-discarded",
        "Successes signed with the wrong password (the target's) are \
            discarded: the target never reports ICE connected",
        Spec::must("RFC 8489", "9.1.4", DISCARD),
        PEER,
        wrong_key_response_discarded,
    )
    .tags(SECURITY),
];

fn unsigned_response_discarded(ctx: &mut Ctx) -> Verdict {
    responses_discarded(ctx, StunFault::UnsignedResponses, "unsigned")
}

fn wrong_key_response_discarded(ctx: &mut Ctx) -> Verdict {
    responses_discarded(ctx, StunFault::ResponsesSignedWithPeerPassword, "signed with the target's own password")
}
