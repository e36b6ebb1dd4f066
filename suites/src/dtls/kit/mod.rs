//! What the DTLS cases share: records made by hand in the call's session (`forged`), calls
//! over an impaired path (`impaired`), and alerts followed by a message (`alerts`). Case
//! files hold only cases; everything two of them use is here.

pub mod alerts;
pub mod impaired;

use rtcspec_harness::peer::view::Side;
use rtcspec_harness::Outcome;

use crate::live::LiveCall;

/// Judges who sent ClientHellos against who should have: `client` is the side that must be
/// the DTLS client.
pub fn hellos_agree(call: &LiveCall, client: Side, expected: &str) -> Outcome {
    let server = if client == Side::Target { Side::Harness } else { Side::Target };
    let (from_client, from_server) = (call.view.client_hellos_from(client), call.view.client_hellos_from(server));
    let describe = |side: Side| if side == Side::Target { "the target" } else { "the harness" };
    if from_client > 0 && from_server == 0 {
        return Outcome::Pass;
    }
    Outcome::fail(
        expected,
        format!(
            "{} sent {from_client} ClientHello(s) and {} sent {from_server}; {}",
            describe(client),
            describe(server),
            call.summary
        ),
    )
}
