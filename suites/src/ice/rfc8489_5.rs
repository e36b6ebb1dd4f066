//! RFC 8489 §5: a response carries its request's transaction ID.

use super::kit::*;
use crate::live::PEER;
use rtcspec_harness::stun::*;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

const ECHO: &str = "Success and error responses MUST carry the same transaction ID as \
    their corresponding request.";

pub const CASES: &[Case] = &[Case::new(
    "ice.8489.5.response-echoes-transaction",
    "The success response to a check carries the check's transaction ID",
    Spec::must("RFC 8489", "5", ECHO),
    PEER,
    response_echoes_transaction,
)];

fn response_echoes_transaction(ctx: &mut Ctx) -> Verdict {
    with_call(ctx, |c| {
        let b = c.request();
        let hex = |id: &[u8]| id.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let expected = format!("a success response with transaction ID {}", hex(&b.transaction_id()));
        let request = c.signed(b);
        let from = c.call.harness.datagrams().len();
        // `send` takes only a response with the check's transaction ID.
        if c.send(&request)?.is_some_and(|m| m.class == Class::Success) {
            return Ok(Outcome::Pass);
        }
        // No response for our transaction: is there one for a transaction nobody started?
        let local = c.call.harness.local_addr();
        let stun = |d: &&rtcspec_harness::net::Datagram| Message::parse(&d.bytes).ok();
        let started: Vec<[u8; 12]> = c.call.harness.datagrams()[..]
            .iter()
            .filter(|d| d.from == local)
            .filter_map(|d| stun(&d))
            .filter(|m| m.class == Class::Request)
            .map(|m| m.transaction_id)
            .collect();
        let stray = c.call.harness.datagrams()[from..]
            .iter()
            .filter(|d| d.from != local)
            .filter_map(|d| stun(&d))
            .find(|m| m.class == Class::Success && !started.contains(&m.transaction_id));
        Ok(Outcome::fail(
            expected,
            match stray {
                Some(m) => format!("a success response with transaction ID {}", hex(&m.transaction_id)),
                None => "no success response".into(),
            },
        ))
    })
}
