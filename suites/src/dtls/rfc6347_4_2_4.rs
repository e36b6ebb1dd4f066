//! RFC 6347 §4.2.4: DTLS recovers from loss by retransmitting flights. The interposer loses
//! the target's first handshake datagram; the call must still come up. The target is the
//! DTLS client (the harness answers `a=setup:passive`), so its ClientHello is the flight it
//! must retransmit on its own timer.
//!
//! As DTLS client, the target loses its Certificate flight (flight 5); the harness's
//! ServerHello flight comes again 300 ms later, before either side's timer, so the target
//! reads a retransmitted flight and must send its own again.
//!
//! In FINISHED, the server that sent the last flight answers the client's repeated last
//! flight with its own again: the interposer loses the target's first datagram that starts
//! with a ChangeCipherSpec, the target being DTLS server (the harness answers
//! `a=setup:active`), and the harness's flight 5 goes out again on its timer. That case is
//! judged on DTLS completing: which side then starts SCTP is RFC 8841 §9.3's matter.
//!
//! The path may also lose 5 % or 20 % of the target's datagrams (seeded; its first DTLS
//! datagram always among them, so the target has to retransmit). Only the target's: the
//! harness's own DTLS (webrtc-rs) does not recover from losing a flight whose peer
//! retransmits first, and the case judges the target. Or the path delays each
//! datagram by 520 ms, so a round trip (1.04 s) outlasts the 1 s initial timer of §4.2.4.1 and
//! each side reads retransmitted flights before the answers to its first ones.
//!
//! The same section: application data of an epoch whose Finished has not been received is
//! discarded or buffered. A record naming epoch 2, which never began, is never delivered.

use rtcspec_harness::peer::forge::RecordForge;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, FirstLost, Impairment};
use rtcspec_harness::{Case, Ctx, Spec, Verdict};
use rtcspec_wire::dtls::APPLICATION_DATA;

use super::kit::impaired::{comes_up, comes_up_as, TargetRole, IMPAIRED_BOUND};
use crate::forged::{forged_then_control, judge_forged, on_target_channel};
use crate::live::*;

const RETRANSMIT: &str = "There are three ways to exit the WAITING state: 1. The retransmit \
    timer expires: the implementation transitions to the SENDING state, \
    where it retransmits the flight, resets the retransmit timer, and \
    returns to the WAITING state. 2. The implementation reads a \
    retransmitted flight from the peer: the implementation transitions to \
    the SENDING state, where it retransmits the flight, resets the \
    retransmit timer, and returns to the WAITING state.";

/// One-way delay of the long-delay case: the round trip, 1.04 s, outlasts the 1 s initial timer.
const LONG_DELAY_MS: u16 = 520;

const LAST_FLIGHT: &str = "In addition, for at least twice the default MSL defined for [TCP], \
    when in the FINISHED state, the node that transmits the last flight \
    (the server in an ordinary handshake or the client in a resumed \
    handshake) MUST respond to a retransmit of the peer's last flight \
    with a retransmit of the last flight.";

const NEW_EPOCH: &str = "Implementations MUST either discard or buffer all application data \
    packets for the new epoch until they have received the Finished \
    message for that epoch.";

pub const CASES: &[Case] = &[
    Case::new(
        "dtls.6347.4.2.4.first-flight-lost",
        "The target's first DTLS handshake datagram is lost: it retransmits, \
            and the call comes up",
        Spec::must("RFC 6347", "4.2.4", RETRANSMIT),
        PEER,
        first_flight_lost,
    )
    .time_bound(IMPAIRED_BOUND),
    Case::new(
        "dtls.6347.4.2.4.last-flight-lost",
        "The target, DTLS server, loses its ChangeCipherSpec and Finished: it \
            sends them again when the harness repeats its last flight, and DTLS \
            completes",
        Spec::must("RFC 6347", "4.2.4", LAST_FLIGHT),
        PEER,
        last_flight_lost,
    )
    .time_bound(IMPAIRED_BOUND),
    Case::new(
        "dtls.6347.4.2.4.client-certificate-flight-lost",
        "The target, DTLS client, loses its Certificate flight: it sends it \
            again, on its timer or when the harness repeats its flight, and the \
            call comes up",
        Spec::must("RFC 6347", "4.2.4", RETRANSMIT),
        PEER,
        client_flight_lost,
    )
    .time_bound(IMPAIRED_BOUND),
    Case::new(
        "dtls.6347.4.2.4.loss-5-percent",
        "With 5 % of the target's datagrams lost (seeded; its first DTLS \
            datagram among them), the call comes up",
        Spec::must("RFC 6347", "4.2.4", RETRANSMIT),
        PEER,
        loss_5_percent,
    )
    .time_bound(IMPAIRED_BOUND),
    Case::new(
        "dtls.6347.4.2.4.loss-20-percent",
        "With 20 % of the target's datagrams lost (seeded; its first DTLS \
            datagram among them), the call comes up",
        Spec::must("RFC 6347", "4.2.4", RETRANSMIT),
        PEER,
        loss_20_percent,
    )
    .time_bound(IMPAIRED_BOUND),
    Case::new(
        "dtls.6347.4.2.4.long-delay",
        "With every datagram delayed 520 ms (a 1.04 s round trip, longer than \
            the initial retransmit timer), the call comes up",
        Spec::must("RFC 6347", "4.2.4", RETRANSMIT),
        PEER,
        long_delay,
    )
    .time_bound(IMPAIRED_BOUND),
    Case::new(
        "dtls.6347.4.2.4.unstarted-epoch-record-dropped",
        "A data channel message in a record of epoch 2, which no Finished \
            began, is not delivered",
        Spec::must("RFC 6347", "4.2.4", NEW_EPOCH),
        PEER,
        unstarted_epoch_record_dropped,
    )
    .tags(SECURITY),
];

fn epoch_2_then(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    forged_then_control(call, channel, |forge: &mut RecordForge, sctp: &[u8]| forge.sealed(APPLICATION_DATA, 2, sctp))
}

fn unstarted_epoch_record_dropped(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(epoch_2_then))?;
    judge_forged(&call, "a record naming epoch 2 (sealed with the epoch-1 keys)")
}

fn first_flight_lost(ctx: &mut Ctx) -> Verdict {
    comes_up(ctx, Impairment { lose_first: Some(FirstLost::Dtls), ..Impairment::default() })
}

fn last_flight_lost(ctx: &mut Ctx) -> Verdict {
    let impairment = Impairment { lose_first: Some(FirstLost::ChangeCipherSpec), ..Impairment::default() };
    comes_up_as(ctx, impairment, TargetRole::Server)
}

fn client_flight_lost(ctx: &mut Ctx) -> Verdict {
    comes_up(ctx, Impairment { lose_first: Some(FirstLost::Certificate), ..Impairment::default() })
}

fn loss_5_percent(ctx: &mut Ctx) -> Verdict {
    comes_up(ctx, Impairment { lose_first: Some(FirstLost::Dtls), loss_percent: 5, ..Impairment::default() })
}

fn loss_20_percent(ctx: &mut Ctx) -> Verdict {
    comes_up(ctx, Impairment { lose_first: Some(FirstLost::Dtls), loss_percent: 20, ..Impairment::default() })
}

fn long_delay(ctx: &mut Ctx) -> Verdict {
    comes_up(ctx, Impairment { delay_ms: LONG_DELAY_MS, ..Impairment::default() })
}
