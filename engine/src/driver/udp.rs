//! A responder reached over a real loopback UDP socket (live servers and shim agents).

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use super::{Auth, LongTermCredentials, StunResponder, TargetError};

/// At most this many datagrams are collected in answer to one request: a target that
/// floods is still bounded.
const MAX_REPLIES: usize = 16;
/// After the first reply, how long to keep listening for more (retransmissions, extras).
const LINGER: Duration = Duration::from_millis(30);

pub struct UdpResponder {
    socket: UdpSocket,
    target: SocketAddr,
    auth: Auth,
    long_term: Option<LongTermCredentials>,
    reply_wait: Duration,
}

/// Refuses anything but loopback: rtcspec never sends to other hosts.
pub fn ensure_loopback(addr: SocketAddr) -> Result<(), TargetError> {
    if addr.ip().is_loopback() {
        Ok(())
    } else {
        Err(TargetError::Environment(format!(
            "{addr} is not a loopback address; rtcspec only sends to 127.0.0.0/8 and ::1"
        )))
    }
}

impl UdpResponder {
    pub fn new(
        target: SocketAddr,
        auth: Auth,
        long_term: Option<LongTermCredentials>,
        reply_wait: Duration,
    ) -> Result<UdpResponder, TargetError> {
        ensure_loopback(target)?;
        let local: SocketAddr = if target.is_ipv4() { "127.0.0.1:0".parse() } else { "[::1]:0".parse() }
            .unwrap_or_else(|_| unreachable!("literal addresses parse"));
        let socket = UdpSocket::bind(local)
            .map_err(|e| TargetError::Environment(format!("cannot bind a loopback UDP socket: {e}")))?;
        Ok(UdpResponder { socket, target, auth, long_term, reply_wait })
    }
}

impl StunResponder for UdpResponder {
    fn auth(&self) -> &Auth {
        &self.auth
    }
    fn long_term(&self) -> Option<&LongTermCredentials> {
        self.long_term.as_ref()
    }
    fn harness_addr(&self) -> SocketAddr {
        self.socket.local_addr().unwrap_or(self.target)
    }
    fn target_addr(&self) -> SocketAddr {
        self.target
    }

    fn exchange(&mut self, datagram: &[u8]) -> Result<Vec<Vec<u8>>, TargetError> {
        self.socket
            .send_to(datagram, self.target)
            .map_err(|e| TargetError::Crashed(format!("send to {} failed: {e}", self.target)))?;
        let mut replies = Vec::new();
        let mut deadline = Instant::now() + self.reply_wait;
        let mut buf = vec![0u8; 65536];
        while replies.len() < MAX_REPLIES {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let _ = self.socket.set_read_timeout(Some(left));
            match self.socket.recv_from(&mut buf) {
                Ok((n, from)) if from == self.target => {
                    replies.push(buf[..n].to_vec());
                    deadline = deadline.min(Instant::now() + LINGER);
                }
                Ok(_) => continue,
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => break,
                // ICMP port unreachable surfaces as ConnectionRefused: the target is gone.
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                    return Err(TargetError::Crashed(format!(
                        "{} refused the datagram (nothing listening)",
                        self.target
                    )))
                }
                Err(e) => return Err(TargetError::Environment(format!("receive failed: {e}"))),
            }
        }
        Ok(replies)
    }
}
