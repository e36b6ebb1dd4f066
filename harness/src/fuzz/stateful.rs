//! Stateful targets: the reference's sans-IO ICE agent and DTLS endpoint, driven by a
//! sequence of datagrams and timer ticks the fuzzer chooses. Time is simulated, every loop
//! is bounded, and nothing may panic.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use arbitrary::{Arbitrary, Unstructured};
use bytes::BytesMut;

use crate::driver::in_process::InProcessAgent;
use crate::driver::webrtc_rs::WebrtcRsResponder;
use crate::stun::{Builder, Class, METHOD_BINDING, USERNAME, USE_CANDIDATE};

/// Steps per input: enough for a handshake with retransmissions, small enough to stay fast.
const MAX_STEPS: usize = 64;

#[derive(Debug, Arbitrary)]
enum IceStep {
    /// A Binding request with the agent's credentials (or a wrong password), so the fuzzer
    /// reaches past the integrity check; `extra` attributes go before MESSAGE-INTEGRITY.
    Check {
        transaction_id: [u8; 12],
        priority: u32,
        use_candidate: bool,
        role: Option<(bool, u64)>,
        wrong_password: bool,
        fingerprint: bool,
        extra: Vec<(u16, Vec<u8>)>,
    },
    /// Any bytes.
    Raw(Vec<u8>),
    /// Simulated time passes (milliseconds).
    Tick(u16),
}

/// `ice_agent`: the reference's controlled agent answering checks.
pub fn ice_agent(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(seed) = u.arbitrary::<u64>() else { return };
    let Ok(mut agent) = WebrtcRsResponder::new(seed) else { return };
    let creds = agent.endpoint().creds.clone();
    // Stop when the input is used up: `arbitrary` would go on producing default steps
    // (64 identical checks for an 8-byte input), which cost time and find nothing.
    for _ in 0..MAX_STEPS {
        if u.is_empty() {
            break;
        }
        let Ok(step) = IceStep::arbitrary(&mut u) else { break };
        match step {
            IceStep::Check { transaction_id, priority, use_candidate, role, wrong_password, fingerprint, extra } => {
                let mut b = Builder::new(Class::Request, METHOD_BINDING, transaction_id)
                    .text(USERNAME, &format!("{}:{}", creds.target_ufrag, creds.harness_ufrag))
                    .priority(priority);
                b = match role {
                    Some((true, t)) => b.ice_controlling(t),
                    Some((false, t)) => b.ice_controlled(t),
                    None => b,
                };
                if use_candidate {
                    b = b.attr(USE_CANDIDATE, &[]);
                }
                for (t, v) in extra.iter().take(4) {
                    b = b.attr(*t, &v[..v.len().min(64)]);
                }
                let pwd = if wrong_password { "not-the-password-at-all" } else { creds.target_pwd.as_str() };
                b = b.message_integrity(pwd.as_bytes());
                if fingerprint {
                    b = b.fingerprint();
                }
                agent.handle(&b.build());
            }
            IceStep::Raw(bytes) => {
                agent.handle(&bytes);
            }
            IceStep::Tick(ms) => {
                agent.tick(Duration::from_millis(u64::from(ms)));
            }
        }
    }
}

#[derive(Debug, Arbitrary)]
enum DtlsStep {
    /// The client's next datagram to the server, optionally changed or dropped.
    ClientToServer { change: Option<(u16, u8)>, drop: bool },
    /// The server's next datagram to the client, optionally dropped.
    ServerToClient { drop: bool },
    /// Any bytes to the server, from the client's address.
    Raw(Vec<u8>),
    /// Simulated time passes (milliseconds) for both ends.
    Tick(u16),
}

/// The server's certificate: generating one costs milliseconds, so it is made once.
fn certificate() -> Option<rtc::dtls::crypto::Certificate> {
    static CERT: OnceLock<Option<rtc::dtls::crypto::Certificate>> = OnceLock::new();
    CERT.get_or_init(|| {
        let provider = rtc_crypto::default_provider().ok()?;
        rtc::dtls::crypto::Certificate::generate_self_signed(vec!["rtcspec".into()], provider.crypto()).ok()
    })
    .clone()
}

fn dtls_config(client: bool) -> Option<Arc<rtc::dtls::config::HandshakeConfig>> {
    use rtc::dtls::extension::extension_use_srtp::SrtpProtectionProfile;
    let provider = rtc_crypto::default_provider().ok()?;
    let mut builder = rtc::dtls::config::ConfigBuilder::default()
        .with_crypto_provider(provider)
        .with_srtp_protection_profiles(vec![SrtpProtectionProfile::Srtp_Aead_Aes_128_Gcm])
        .with_insecure_skip_verify(true);
    if !client {
        builder = builder.with_certificates(vec![certificate()?]);
    }
    builder.build(client, None).ok().map(Arc::new)
}

/// `dtls_endpoint`: a reference DTLS server and client; the fuzzer delivers, drops and
/// changes their datagrams, injects its own, and lets time pass.
pub fn dtls_endpoint(data: &[u8]) {
    use rtc::dtls::endpoint::Endpoint;
    use rtc_shared::TransportProtocol;

    let (client_addr, server_addr): (SocketAddr, SocketAddr) =
        (([127, 0, 0, 1], 40000).into(), ([127, 0, 0, 1], 40001).into());
    let (Some(server_config), Some(client_config)) = (dtls_config(false), dtls_config(true)) else { return };
    let mut now = Instant::now();
    let mut server = Endpoint::new(server_addr, TransportProtocol::UDP, Some(server_config));
    let mut client = Endpoint::new(client_addr, TransportProtocol::UDP, None);
    if client.connect(now, server_addr, client_config, None).is_err() {
        return;
    }
    let mut u = Unstructured::new(data);
    // Stop when the input is used up (see ice_agent).
    for _ in 0..MAX_STEPS {
        if u.is_empty() {
            break;
        }
        let Ok(step) = DtlsStep::arbitrary(&mut u) else { break };
        match step {
            DtlsStep::ClientToServer { change, drop } => {
                let Some(t) = client.poll_transmit() else { continue };
                let mut message = t.message;
                if let Some((at, value)) = change.filter(|_| !message.is_empty()) {
                    let i = usize::from(at) % message.len();
                    message[i] = value;
                }
                if !drop {
                    let _ = server.read(now, client_addr, None, message);
                }
            }
            DtlsStep::ServerToClient { drop } => {
                let Some(t) = server.poll_transmit() else { continue };
                if !drop {
                    let _ = client.read(now, server_addr, None, t.message);
                }
            }
            DtlsStep::Raw(bytes) => {
                let _ = server.read(now, client_addr, None, BytesMut::from(&bytes[..]));
            }
            DtlsStep::Tick(ms) => {
                now += Duration::from_millis(u64::from(ms));
                if client.poll_timeout(&server_addr).is_some_and(|due| due <= now) {
                    let _ = client.handle_timeout(server_addr, now);
                }
                if server.poll_timeout(&client_addr).is_some_and(|due| due <= now) {
                    let _ = server.handle_timeout(client_addr, now);
                }
            }
        }
    }
}
