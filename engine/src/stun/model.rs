//! The implementation-neutral view of a STUN message that codec targets exchange with the
//! harness: what a decoder reports ([`Decoded`]) and what an encoder is asked to build
//! ([`EncodeModel`]). Both are also the JSON of the shim protocol (shims/PROTOCOL.md).

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use super::*;

mod hex_txid {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8; 12], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::hex(v))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 12], D::Error> {
        let s = String::deserialize(d)?;
        let v = super::unhex(&s).map_err(serde::de::Error::custom)?;
        v.try_into()
            .map_err(|v: Vec<u8>| serde::de::Error::custom(format!("transaction id is {} bytes, not 12", v.len())))
    }
}

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::hex(v))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        super::unhex(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// One attribute as a decoder kept it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecodedAttribute {
    #[serde(rename = "type")]
    pub attr_type: u16,
    #[serde(rename = "hex", with = "hex_bytes")]
    pub value: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCodeField {
    pub code: u16,
    pub reason: String,
}

/// Typed fields a decoder understood. `None` means "not decoded" (absent, or the
/// implementation does not decode that attribute).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xor_mapped_address: Option<SocketAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapped_address: Option<SocketAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternate_server: Option<SocketAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realm: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<ErrorCodeField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_attributes: Option<Vec<u16>>,
}

/// What a decoder made of a message it accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decoded {
    pub class: Class,
    pub method: u16,
    #[serde(with = "hex_txid")]
    pub transaction_id: [u8; 12],
    /// Every attribute kept, in wire order; `None` if the decoder keeps no raw attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<DecodedAttribute>>,
    #[serde(default)]
    pub fields: Fields,
}

impl Decoded {
    /// rtcspec's own reading of a message, used as the expected value in codec cases.
    pub fn from_message(m: &Message) -> Decoded {
        let text = |t| m.text(t);
        Decoded {
            class: m.class,
            method: m.method,
            transaction_id: m.transaction_id,
            attributes: Some(
                m.attributes
                    .iter()
                    .map(|a| DecodedAttribute { attr_type: a.attr_type, value: a.value.clone() })
                    .collect(),
            ),
            fields: Fields {
                xor_mapped_address: m.xor_mapped_address().and_then(Result::ok),
                mapped_address: m
                    .attribute(MAPPED_ADDRESS)
                    .and_then(|a| decode_address(&a.value, &m.transaction_id, false).ok()),
                alternate_server: m
                    .attribute(ALTERNATE_SERVER)
                    .and_then(|a| decode_address(&a.value, &m.transaction_id, false).ok()),
                username: text(USERNAME),
                realm: text(REALM),
                nonce: text(NONCE),
                software: text(SOFTWARE),
                error_code: m.error_code().map(|(code, reason)| ErrorCodeField { code, reason }),
                unknown_attributes: m.unknown_attributes(),
            },
        }
    }
}

/// Attributes an encoder is asked to write, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AttributeSpec {
    XorMappedAddress {
        addr: SocketAddr,
    },
    Username {
        value: String,
    },
    Software {
        value: String,
    },
    Realm {
        value: String,
    },
    Nonce {
        value: String,
    },
    ErrorCode {
        code: u16,
        reason: String,
    },
    UnknownAttributes {
        types: Vec<u16>,
    },
    Priority {
        value: u32,
    },
    IceControlled {
        #[serde(with = "hex_u64")]
        tie_breaker: u64,
    },
    IceControlling {
        #[serde(with = "hex_u64")]
        tie_breaker: u64,
    },
    UseCandidate,
    Raw {
        #[serde(rename = "type")]
        attr_type: u16,
        #[serde(with = "hex_bytes")]
        hex: Vec<u8>,
    },
    MessageIntegrity {
        #[serde(with = "hex_bytes")]
        key_hex: Vec<u8>,
    },
    Fingerprint,
}

mod hex_u64 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{v:016x}"))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        u64::from_str_radix(&String::deserialize(d)?, 16).map_err(serde::de::Error::custom)
    }
}

/// A message an encoder is asked to build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncodeModel {
    pub class: Class,
    pub method: u16,
    #[serde(with = "hex_txid")]
    pub transaction_id: [u8; 12],
    pub attributes: Vec<AttributeSpec>,
}

impl EncodeModel {
    /// The bytes RFC 8489 says this model encodes to; the reference for encoder cases.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Builder::new(self.class, self.method, self.transaction_id);
        for a in &self.attributes {
            b = match a {
                AttributeSpec::XorMappedAddress { addr } => b.xor_mapped_address(*addr),
                AttributeSpec::Username { value } => b.text(USERNAME, value),
                AttributeSpec::Software { value } => b.text(SOFTWARE, value),
                AttributeSpec::Realm { value } => b.text(REALM, value),
                AttributeSpec::Nonce { value } => b.text(NONCE, value),
                AttributeSpec::ErrorCode { code, reason } => b.error_code(*code, reason),
                AttributeSpec::UnknownAttributes { types } => {
                    let v: Vec<u8> = types.iter().flat_map(|t| t.to_be_bytes()).collect();
                    b.attr(UNKNOWN_ATTRIBUTES, &v)
                }
                AttributeSpec::Priority { value } => b.priority(*value),
                AttributeSpec::IceControlled { tie_breaker } => b.ice_controlled(*tie_breaker),
                AttributeSpec::IceControlling { tie_breaker } => b.ice_controlling(*tie_breaker),
                AttributeSpec::UseCandidate => b.attr(USE_CANDIDATE, &[]),
                AttributeSpec::Raw { attr_type, hex } => b.attr(*attr_type, hex),
                AttributeSpec::MessageIntegrity { key_hex } => b.message_integrity(key_hex),
                AttributeSpec::Fingerprint => b.fingerprint(),
            };
        }
        b.build()
    }
}
