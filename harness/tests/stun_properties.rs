//! Property tests over generated STUN messages, through every in-process codec.
//!
//! - Round trip: what rtcspec's writer produces, each codec decodes to the same fields, and
//!   integrity and fingerprint verify.
//! - Differential encoding: the reference encoder produces the same bytes as the RFC model.
//! - Differential decoding: on arbitrarily corrupted bytes, no codec panics, and whenever the
//!   strict model accepts, the lenient decoders accept too and agree on every field. A
//!   disagreement fails the property and proptest prints the minimized input.

use std::net::SocketAddr;

mod common;

use proptest::prelude::*;
use rtcspec_harness::driver::model::ModelCodec;
use rtcspec_harness::driver::str0m::Str0mCodec;
use rtcspec_harness::driver::webrtc_rs::WebrtcRsCodec;
use rtcspec_harness::driver::{StunCodec, Verification};
use rtcspec_harness::fuzz::divergences::{stun_agreement, without_known_stun_divergences};
use rtcspec_harness::stun::*;

fn text() -> impl Strategy<Value = String> {
    // UTF-8 of varying byte lengths, so every padding length occurs.
    "[a-zA-Z0-9:+/ éマ]{1,40}"
}

fn addr() -> impl Strategy<Value = SocketAddr> {
    prop_oneof![
        (any::<[u8; 4]>(), 1u16..).prop_map(|(ip, p)| SocketAddr::from((ip, p))),
        (any::<[u8; 16]>(), 1u16..).prop_map(|(ip, p)| SocketAddr::from((ip, p))),
    ]
}

fn attribute() -> impl Strategy<Value = AttributeSpec> {
    prop_oneof![
        addr().prop_map(|addr| AttributeSpec::XorMappedAddress { addr }),
        text().prop_map(|value| AttributeSpec::Username { value }),
        text().prop_map(|value| AttributeSpec::Software { value }),
        text().prop_map(|value| AttributeSpec::Realm { value }),
        text().prop_map(|value| AttributeSpec::Nonce { value }),
        any::<u32>().prop_map(|value| AttributeSpec::Priority { value }),
        any::<u64>().prop_map(|tie_breaker| AttributeSpec::IceControlling { tie_breaker }),
        Just(AttributeSpec::UseCandidate),
        ((0xC001u16..0xFFFF), prop::collection::vec(any::<u8>(), 0..24))
            .prop_map(|(attr_type, hex)| AttributeSpec::Raw { attr_type, hex }),
    ]
}

/// A valid message: distinct attribute kinds, then optional MESSAGE-INTEGRITY, then FINGERPRINT.
fn message() -> impl Strategy<Value = (EncodeModel, Vec<u8>)> {
    (
        prop_oneof![Just(Class::Request), Just(Class::Indication), Just(Class::Success), Just(Class::Error)],
        any::<[u8; 12]>(),
        prop::collection::vec(attribute(), 0..7),
        prop::option::of(prop::collection::vec(any::<u8>(), 1..40)),
        (300u16..700, text()),
    )
        .prop_map(|(class, transaction_id, attrs, key, (code, reason))| {
            let mut seen = std::collections::HashSet::new();
            let mut attributes: Vec<AttributeSpec> =
                attrs.into_iter().filter(|a| seen.insert(std::mem::discriminant(a))).collect();
            if class == Class::Error {
                attributes.insert(0, AttributeSpec::ErrorCode { code, reason });
            }
            let key = key.unwrap_or_default();
            if !key.is_empty() {
                attributes.push(AttributeSpec::MessageIntegrity { key_hex: key.clone() });
            }
            attributes.push(AttributeSpec::Fingerprint);
            (EncodeModel { class, method: METHOD_BINDING, transaction_id, attributes }, key)
        })
}

/// The library's agreement rule (shared with the fuzz targets), as a proptest failure.
fn agree(label: &str, expected: &Decoded, got: &Decoded) -> Result<(), TestCaseError> {
    stun_agreement(label, expected, got).map_err(TestCaseError::fail)
}

proptest! {
    #![proptest_config(common::seeded(300))]

    #[test]
    fn generated_messages_round_trip_through_every_codec((model, key) in message()) {
        let bytes = model.to_bytes();
        let own = Message::parse(&bytes).map_err(|e| TestCaseError::fail(format!("own writer produced {e}")))?;
        let expected = Decoded::from_message(&own);
        let mut reference = WebrtcRsCodec::new().unwrap();
        let d = reference.decode(&bytes).unwrap().map_err(|e| TestCaseError::fail(format!("reference rejected a valid \
            message: {e}")))?;
        agree("reference", &expected, &d)?;
        let d = ModelCodec.decode(&bytes).unwrap().map_err(TestCaseError::fail)?;
        agree("model", &expected, &d)?;
        if !key.is_empty() {
            let verified = reference.check(&bytes, Verification::MessageIntegrity, &key).unwrap();
            prop_assert!(verified, "reference MESSAGE-INTEGRITY");
        }
        prop_assert!(reference.check(&bytes, Verification::Fingerprint, &[]).unwrap(), "reference FINGERPRINT");
        // str0m insists on usage-level attributes for Binding requests and responses;
        // where it accepts, it must agree.
        if let Ok(Ok(d)) = Str0mCodec.decode(&bytes) {
            agree("str0m", &expected, &d)?;
        }
    }

    #[test]
    fn reference_encoder_matches_the_rfc_model((model, _key) in message()) {
        let mut reference = WebrtcRsCodec::new().unwrap();
        let out = reference.encode(&model).unwrap();
        prop_assert_eq!(hex(&out), hex(&model.to_bytes()));
    }

    #[test]
    fn corrupted_bytes_never_panic_and_strict_acceptance_implies_agreement(
        (model, key) in message(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        cut in prop::option::of(any::<prop::sample::Index>()),
        extra in prop::collection::vec(any::<u8>(), 0..6),
    ) {
        let mut bytes = model.to_bytes();
        for (i, b) in edits {
            let at = i.index(bytes.len());
            bytes[at] = b;
        }
        if let Some(c) = cut {
            bytes.truncate(c.index(bytes.len() + 1));
        }
        bytes.extend_from_slice(&extra);
        let mut reference = WebrtcRsCodec::new().unwrap();
        let codecs: [&mut dyn StunCodec; 3] = [&mut reference, &mut Str0mCodec, &mut ModelCodec];
        let mut verdicts = Vec::new();
        for codec in codecs {
            // Err(Unsupported) is str0m declining non-ICE STUN; only panics matter here.
            let d = codec.decode(&bytes).unwrap_or(Err("declined".into()));
            for check in [Verification::MessageIntegrity, Verification::Fingerprint] {
                let _ = codec.check(&bytes, check, &key);
            }
            verdicts.push(d);
        }
        if let Ok(strict) = &verdicts[2] {
            // The reference is lenient, never stricter than the RFC framing rules.
            match &verdicts[0] {
                Ok(d) => agree("reference", strict, &without_known_stun_divergences(&bytes, d))?,
                Err(e) => return Err(TestCaseError::fail(format!("reference rejected what the RFC allows: {e}; bytes \
                    {}", hex(&bytes)))),
            }
        }
    }
}

#[test]
fn rfc5769_vectors_parse_in_the_own_reader() {
    // Anchors the generator's writer to published bytes: the sample IPv4 response, rebuilt.
    let txid: [u8; 12] = unhex("b7e7a701bc34d686fa87dfae").unwrap().try_into().unwrap();
    let rebuilt = Builder::new(Class::Success, METHOD_BINDING, txid)
        .attr_padded_with(SOFTWARE, b"test vector", 0x20)
        .xor_mapped_address("192.0.2.1:32853".parse().unwrap())
        .message_integrity(b"VOkJxbRl1RmTxUk/WvJxBt")
        .fingerprint()
        .build();
    let printed = "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f72\
        20002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06b\
        e7d780280004c07d4c96";
    assert_eq!(hex(&rebuilt), printed);
}
