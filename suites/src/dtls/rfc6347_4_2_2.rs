//! RFC 6347 §4.2.2: handshake messages carry a message_seq so that a receiver copes with
//! reordering and duplication. A message below next_receive_seq (a duplicate, or a
//! retransmission already seen) is discarded; one above it is queued or discarded, and the
//! flight's retransmission makes up for a discard (§4.2.4). Either way the handshake goes on.
//!
//! The interposer delivers every datagram twice, both ways. The call must come up.

use rtcspec_harness::peer::Impairment;
use rtcspec_harness::{Case, Ctx, Spec, Verdict};

use super::kit::impaired::{comes_up, IMPAIRED_BOUND};
use crate::live::PEER;

const NEXT_RECEIVE_SEQ: &str = "If the sequence number is less than next_receive_seq, the message \
    MUST be discarded. If the sequence number is greater than \
    next_receive_seq, the implementation SHOULD queue the message but MAY \
    discard it.";

pub const CASES: &[Case] = &[Case::new(
    "dtls.6347.4.2.2.every-datagram-duplicated",
    "Every datagram arrives twice, both ways: duplicated handshake \
        messages are discarded and the call comes up",
    Spec::must("RFC 6347", "4.2.2", NEXT_RECEIVE_SEQ),
    PEER,
    every_datagram_duplicated,
)
.time_bound(IMPAIRED_BOUND)];

fn every_datagram_duplicated(ctx: &mut Ctx) -> Verdict {
    comes_up(ctx, Impairment { duplicate_percent: 100, ..Impairment::default() })
}
