//! RFC 8489 §5, STUN Message Structure: header rules, as decoders and responders see them.

use rtcspec_harness::stun::*;
use rtcspec_harness::{check, Case, Ctx, Outcome, Spec, Verdict};

use super::kit::*;

const TOP_BITS: &str = "The most significant 2 bits of every STUN message MUST be zeroes.";
const COOKIE: &str = "The Magic Cookie field MUST contain the fixed value 0x2112A442 in \
    network byte order.";
const LENGTH: &str = "The message length MUST contain the size of the message in bytes, not \
    including the 20-byte STUN header. Since all STUN attributes are \
    padded to a multiple of 4 bytes, the last 2 bits of this field are \
    always zero.";

pub const CASES: &[Case] = &[
    Case::new(
        "stun.8489.5.top-bits-rejected",
        "A message whose two top bits are not \
        zero is rejected",
        Spec::must(RFC8489, "5", TOP_BITS),
        CODEC,
        top_bits_rejected,
    )
    .covers(&["rfc8489-5-1"]),
    Case::new(
        "stun.8489.5.magic-cookie-rejected",
        "A message with a wrong magic cookie \
        is rejected",
        Spec::must(RFC8489, "5", COOKIE),
        CODEC,
        cookie_rejected,
    )
    .covers(&["rfc8489-5-3"]),
    Case::new(
        "stun.8489.5.length-not-multiple-of-4-rejected",
        "A length field that is \
        not a multiple of 4 is rejected",
        Spec::must(RFC8489, "5", LENGTH),
        CODEC,
        length_unaligned_rejected,
    )
    .covers(&["rfc8489-5-7"]),
    Case::new(
        "stun.8489.5.length-beyond-datagram-rejected",
        "A length field larger than \
        the datagram is rejected",
        Spec::must(RFC8489, "5", LENGTH),
        CODEC,
        length_overrun_rejected,
    )
    .covers(&["rfc8489-5-7"]),
    Case::new(
        "stun.8489.5.header-truncated-rejected",
        "Fewer than 20 bytes are rejected",
        Spec::must(
            RFC8489,
            "5",
            "All STUN messages comprise a 20-byte header followed by zero or more \
                attributes.",
        ),
        CODEC,
        header_truncated_rejected,
    )
    .covers(&["rfc8489-5-7"]),
    Case::new(
        "stun.8489.5.message-type-decoded",
        "Class and method are decoded from the interleaved type field",
        Spec::must(
            RFC8489,
            "5",
            "M11 through M0 represent a 12-bit encoding of the method. C1 and C0 \
                represent a 2-bit encoding of the class. A class of 0b00 is a \
                request, a class of 0b01 is an indication, a class of 0b10 is a \
                success response, and a class of 0b11 is an error response.",
        ),
        CODEC,
        message_type_decoded,
    ),
    Case::new(
        "stun.8489.5.transaction-id-decoded",
        "The 96-bit transaction id is decoded as sent",
        Spec::must(
            RFC8489,
            "5",
            "The transaction ID is a 96-bit identifier, used to uniquely identify \
                STUN transactions.",
        ),
        CODEC,
        transaction_id_decoded,
    ),
    Case::new(
        "stun.8489.5.header-encoded",
        "\
        The encoder writes type, length, cookie and transaction id \
        exactly",
        Spec::must(RFC8489, "5", LENGTH),
        ENCODE,
        header_encoded,
    )
    .covers(&["rfc8489-6.1-1", "rfc8489-5-1", "rfc8489-5-3", "rfc8489-5-7"]),
    Case::new(
        "stun.8489.6.3.1.transaction-id-echoed",
        "The response carries the request's transaction id",
        Spec::must(
            RFC8489,
            "5",
            "Success and error responses MUST carry the same transaction ID as \
                their corresponding request.",
        ),
        RESPONDER,
        transaction_id_echoed,
    )
    .covers(&["rfc8489-5-6"]),
];

fn top_bits_rejected(ctx: &mut Ctx) -> Verdict {
    let bits = [0x40u8, 0x80, 0xC0][ctx.rng.below(3) as usize];
    let (good, bad) = pair(ctx, |b| b[0] |= bits);
    expect_rejected(ctx, &good, &bad, &format!("a message starting 0x{:02x}", bad[0]))
}

fn cookie_rejected(ctx: &mut Ctx) -> Verdict {
    let (good, bad) = pair(ctx, |b| b[4..8].copy_from_slice(&0x2112_A443u32.to_be_bytes()));
    expect_rejected(ctx, &good, &bad, "a message with cookie 0x2112a443")
}

fn length_unaligned_rejected(ctx: &mut Ctx) -> Verdict {
    // Declared length 2 more than a multiple of 4, and the datagram really that long, so
    // only the alignment rule is broken.
    let (good, bad) = pair(ctx, |b| {
        b.extend_from_slice(&[0, 0]);
        let len = (b.len() - HEADER_LEN) as u16;
        b[2..4].copy_from_slice(&len.to_be_bytes());
    });
    expect_rejected(ctx, &good, &bad, "a length field of 4n+2")
}

fn length_overrun_rejected(ctx: &mut Ctx) -> Verdict {
    let (good, bad) = pair(ctx, |b| {
        let len = u16::from_be_bytes([b[2], b[3]]) + 8;
        b[2..4].copy_from_slice(&len.to_be_bytes());
    });
    expect_rejected(ctx, &good, &bad, "a length field 8 bytes longer than the datagram")
}

fn header_truncated_rejected(ctx: &mut Ctx) -> Verdict {
    let (good, _) = sample_response(ctx, KEY);
    let cut = 1 + ctx.rng.below(19) as usize;
    expect_rejected(ctx, &good, &good[..cut], &format!("a {cut}-byte datagram"))
}

fn message_type_decoded(ctx: &mut Ctx) -> Verdict {
    // One method with bits in all three groups (M0-3, M4-6, M7-11), every class.
    for class in [Class::Request, Class::Indication, Class::Success, Class::Error] {
        let txid = ctx.txid();
        let mut b = Builder::new(class, METHOD_BINDING, txid);
        if class == Class::Success {
            b = b.xor_mapped_address("192.0.2.7:4242".parse().unwrap_or_else(|_| unreachable!()));
        }
        if class == Class::Error {
            b = b.error_code(400, "Bad Request");
        }
        let bytes = b.message_integrity(KEY).fingerprint().build();
        let d = ctx.decode_accepted(&bytes, &format!("a Binding {class:?}"))?;
        if d.class != class || d.method != METHOD_BINDING {
            return Ok(Outcome::fail(
                format!("type 0x{:04x} decoded as {class:?} Binding", message_type(class, METHOD_BINDING)),
                format!("{:?} method 0x{:03x}", d.class, d.method),
            ));
        }
    }
    Ok(Outcome::Pass)
}

fn transaction_id_decoded(ctx: &mut Ctx) -> Verdict {
    let (bytes, _) = sample_response(ctx, KEY);
    let d = ctx.decode_accepted(&bytes, "a Binding success response")?;
    Ok(check(d.transaction_id == bytes[8..20], format!("transaction id {}", hex(&bytes[8..20])), || {
        hex(&d.transaction_id)
    }))
}

fn header_encoded(ctx: &mut Ctx) -> Verdict {
    let model = EncodeModel {
        class: Class::Request,
        method: METHOD_BINDING,
        transaction_id: ctx.txid(),
        attributes: vec![AttributeSpec::Software { value: "rtcspec".into() }],
    };
    let out = ctx.encode(&model)?;
    let expected = model.to_bytes();
    Ok(check(
        out.get(..HEADER_LEN) == expected.get(..HEADER_LEN),
        format!("header {}", hex(&expected[..HEADER_LEN])),
        || format!("header {}", hex(&out[..out.len().min(HEADER_LEN)])),
    ))
}

fn transaction_id_echoed(ctx: &mut Ctx) -> Verdict {
    let (req, txid, _) = valid_request(ctx)?;
    let replies = ctx.exchange(&req)?;
    let Some(m) = replies.iter().find_map(|r| Message::parse(r).ok()) else {
        return Ok(Outcome::fail("a response", "no STUN response"));
    };
    Ok(check(m.transaction_id == txid, format!("transaction id {}", hex(&txid)), || hex(&m.transaction_id)))
}
