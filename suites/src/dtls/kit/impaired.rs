//! What the cases on an impaired path share: a call through the interposer's seeded bad
//! path (loss, duplication, reordering, delay, an MTU), judged on whether it comes up.

use std::time::Duration;

use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::{Impairment, PeerOptions};
use rtcspec_harness::{Ctx, Outcome, Verdict};

use crate::live::*;

/// How long an impaired call has to come up. Retransmission timers start at 1 s and double
/// (RFC 6347 §4.2.4.1), so a flight lost three times in a row costs 7 s; the data channel
/// then needs the association (INIT, COOKIE) and DCEP across the same path. With the fixed
/// path seed the stacks that recover come up within 5 s.
pub const IMPAIRED_CONNECT: Duration = Duration::from_secs(10);

/// The time bound of a case on an impaired path: coming up, what it does then, and the time
/// a call that did not come up is given to show how it failed.
pub const IMPAIRED_BOUND: Duration = IMPAIRED_CONNECT.saturating_add(AFTER_DTLS).saturating_add(Duration::from_secs(5));

/// The seed of every impaired path. Fixed, not drawn from the run's seed: which datagrams a
/// path loses decides whether a stack with a recovery bug in one flight fails, and a verdict
/// must not change with the run's seed (baselines compare runs made with different seeds).
/// Every failure prints it with what the path did.
pub const PATH_SEED: u64 = 0x7274_6373_7065_6331; // "rtcspec1"

/// The DTLS role the target takes in an impaired call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetRole {
    /// The harness answers `a=setup:passive`: the target's ClientHello is a flight it must
    /// retransmit on its own timer.
    Client,
    /// The harness answers `a=setup:active`: the target sends the last flight, which it must
    /// retransmit when the harness repeats its own.
    Server,
}

/// A call through `impairment` (with [`PATH_SEED`]), then `then` once it is up.
/// The target offers and takes the DTLS role `role`. `Err` is a Fail unless the call came up
/// within [`IMPAIRED_CONNECT`]: DTLS complete and the data channel open on both sides, or,
/// with the target as DTLS server, DTLS complete (the harness, DTLS client, then starts no
/// association of its own, and which side sends INIT is RFC 8841 §9.3's matter, a case of its
/// own).
pub fn impaired_call(
    ctx: &mut Ctx,
    impairment: Impairment,
    role: TargetRole,
    then: Option<OnceEstablished>,
) -> Result<LiveCall, Outcome> {
    impaired_call_with(ctx, (impairment, PeerOptions::default()), role, then)
}

/// The same, the harness otherwise set up as `options` say.
pub fn impaired_call_with(
    ctx: &mut Ctx,
    (impairment, options): (Impairment, PeerOptions),
    role: TargetRole,
    then: Option<OnceEstablished>,
) -> Result<LiveCall, Outcome> {
    let impairment = Impairment { seed: ctx.path_seed.unwrap_or(PATH_SEED), ..impairment };
    let answer_as_dtls_server = role == TargetRole::Client;
    let options = PeerOptions { impairment, answer_as_dtls_server, ..options };
    let until_connected = role == TargetRole::Server;
    let setup = Setup { options, then, until_connected, connect: IMPAIRED_CONNECT, ..Setup::new(Offerer::Target) };
    let call = call_and_read_setup(ctx, setup)?;
    if call.view.dtls_complete() && call.established {
        return Ok(call);
    }
    let up = if until_connected { "DTLS completes" } else { "the call comes up" };
    Err(Outcome::fail(
        format!("{up} within {} s on a path with {impairment}", IMPAIRED_CONNECT.as_secs()),
        format!(
            "DTLS complete: {}, the target sent {} ClientHello(s) and {} \
                ServerHello(s); {}; the path: {}",
            call.view.dtls_complete(),
            call.view.client_hellos_from(Side::Target),
            call.view.server_hellos_from(Side::Target),
            call.summary,
            call.path.as_deref().unwrap_or("perfect"),
        ),
    ))
}

/// Passes when the call comes up through `impairment`, the target the DTLS client.
pub fn comes_up(ctx: &mut Ctx, impairment: Impairment) -> Verdict {
    comes_up_as(ctx, impairment, TargetRole::Client)
}

/// The same, the target taking the DTLS role `role`.
pub fn comes_up_as(ctx: &mut Ctx, impairment: Impairment, role: TargetRole) -> Verdict {
    impaired_call(ctx, impairment, role, None)?;
    Ok(Outcome::Pass)
}
