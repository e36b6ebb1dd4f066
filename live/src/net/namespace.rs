//! Network namespaces for targets that do not do ICE on the host's loopback, or that should
//! not see the host's network at all: browsers (Chromium, Firefox) and libwebrtc.
//!
//! Such a target's shim starts inside a fresh network namespace and PID namespace of its own
//! (`unshare --net --pid --fork --kill-child`): loopback up, IPv6 off, and, for stacks that
//! gather no candidates on loopback, one veth address with a default route that leads nowhere
//! (the other end of the pair has no address). Nothing in it can reach the host's network
//! or the internet, whatever the browser tries. The harness opens its call sockets inside the
//! same namespace (a thread enters it with `setns`, binds, and leaves), so a call's datagrams
//! never leave that namespace.
//!
//! The PID namespace ends the shim and everything it started (a browser and its helpers)
//! together: its first process is the shim, and when it dies the kernel kills the rest.
//! `--kill-child` kills the shim when `unshare` dies, and `unshare` dies with the thread that
//! started it (`PR_SET_PDEATHSIG`), so no browser outlives rtcspec, even one killed outright.

use std::fs::File;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

/// Run as `sh -c SETUP rtcspec-namespace ADDRESS PROGRAM ARGS...` inside the new namespaces.
/// The address goes on `rtcspec0`, one end of a veth pair (the kernel here has no dummy
/// interfaces).
const SETUP: &str = r#"set -e
ip link set lo up
# No IPv6, so stacks gather IPv4 candidates only.
if [ -w /proc/sys/net/ipv6/conf/all/disable_ipv6 ]; then echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; fi
if [ -n "$1" ]; then
  ip link add rtcspec0 type veth peer name rtcspec1
  ip addr add "$1" dev rtcspec0
  ip link set rtcspec1 up
  ip link set rtcspec0 up
  # Chromium gathers no candidates without a default route; this one leads nowhere.
  ip route add default dev rtcspec0
fi
shift
exec "$@""#;

/// How a target's namespace is set up (`[namespace]` in its TOML file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespacePlan {
    /// The veth address and prefix ("10.77.0.1/24"), or `None` for loopback only.
    pub address: Option<(Ipv4Addr, u8)>,
}

impl NamespacePlan {
    /// Reads `address` as "A.B.C.D/PREFIX" (a private IPv4 address: it must not shadow a
    /// real network the namespace cannot reach anyway, and reports should not look as if it
    /// did).
    pub fn parse(address: Option<&str>) -> Result<NamespacePlan, String> {
        let Some(text) = address else { return Ok(NamespacePlan { address: None }) };
        let (ip, prefix) = text.split_once('/').ok_or_else(|| format!("namespace address {text:?} needs a /prefix"))?;
        let ip: Ipv4Addr = ip.parse().map_err(|e| format!("namespace address {text:?}: {e}"))?;
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|p| (8..=30).contains(p))
            .ok_or_else(|| format!("namespace address {text:?}: the prefix must be a number from 8 to 30"))?;
        if !ip.is_private() {
            return Err(format!(
                "namespace address {text:?} must be a private IPv4 address (10/8, 172.16/12, 192.168/16)"
            ));
        }
        Ok(NamespacePlan { address: Some((ip, prefix)) })
    }

    /// The address the target's candidates and the harness's socket use inside.
    pub fn host(&self) -> IpAddr {
        match self.address {
            Some((ip, _)) => IpAddr::V4(ip),
            None => IpAddr::V4(Ipv4Addr::LOCALHOST),
        }
    }

    /// `program args` run in fresh network and PID namespaces set up as planned. Needs root
    /// ([`can_create`]); the caller spawns it.
    pub fn command(&self, program: &Path, args: &[String]) -> Command {
        let address = self.address.map(|(ip, prefix)| format!("{ip}/{prefix}")).unwrap_or_default();
        let mut command = Command::new("unshare");
        command
            .args(["--net", "--pid", "--fork", "--kill-child", "--", "sh", "-c", SETUP, "rtcspec-namespace"])
            .arg(address)
            .arg(program)
            .args(args);
        // Its own process group: a Ctrl-C at the terminal reaches rtcspec, which finishes the
        // case and then ends the shim, and not the browser in the middle of a call.
        command.process_group(0);
        // SAFETY: prctl is async-signal-safe and touches only the child being started.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        command
    }
}

/// Whether this process may create namespaces: root (CAP_SYS_ADMIN and CAP_NET_ADMIN).
pub fn can_create() -> Result<(), String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        Ok(())
    } else {
        Err("it runs in a network namespace of its own, which needs root: run rtcspec as root (CI does), \
             for example `sudo -E target/release/rtcspec run ...`"
            .into())
    }
}

/// A namespace a target's process lives in, held open by its /proc handle so it outlives a
/// process that has just died (a call that is being torn down).
#[derive(Debug)]
pub struct Namespace {
    handle: File,
    host: IpAddr,
}

impl Namespace {
    /// The network namespace of process `pid`, where the harness uses address `host`. It
    /// must be another than rtcspec's own.
    pub fn of_process(pid: u32, host: IpAddr) -> std::io::Result<Namespace> {
        use std::os::unix::fs::MetadataExt;
        let handle = File::open(format!("/proc/{pid}/ns/net"))?;
        if handle.metadata()?.ino() == std::fs::metadata("/proc/self/ns/net")?.ino() {
            return Err(std::io::Error::other(format!("process {pid} is in rtcspec's own network namespace")));
        }
        Ok(Namespace { handle, host })
    }

    /// A UDP socket bound to `host` (any port) inside the namespace. A thread of its own
    /// enters the namespace, binds and ends, so no other thread of rtcspec ever changes
    /// namespace; the socket stays in the namespace it was made in.
    fn bind_udp(&self) -> std::io::Result<UdpSocket> {
        let fd = self.handle.as_raw_fd();
        let host = self.host;
        std::thread::scope(|s| {
            s.spawn(move || {
                // SAFETY: fd is an open namespace file for the scope of this call.
                if unsafe { libc::setns(fd, libc::CLONE_NEWNET) } != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                UdpSocket::bind(SocketAddr::new(host, 0))
            })
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the thread entering the namespace panicked")))
        })
    }
}

/// Where the harness's side of a call lives: the host's loopback, or a target's namespace.
#[derive(Debug, Clone, Default)]
pub enum Network {
    #[default]
    Loopback,
    Namespace(Arc<Namespace>),
}

impl Network {
    /// A fresh UDP socket for the harness's peer.
    pub fn bind_udp(&self) -> Result<UdpSocket, String> {
        match self {
            Network::Loopback => {
                UdpSocket::bind("127.0.0.1:0").map_err(|e| format!("cannot bind a loopback UDP socket: {e}"))
            }
            Network::Namespace(ns) => ns
                .bind_udp()
                .map_err(|e| format!("cannot bind a UDP socket on {} in the target's network namespace: {e}", ns.host)),
        }
    }

    /// Whether the harness may send to `to`: loopback, or the namespace's own address (the
    /// only one the target has there).
    pub fn allows(&self, to: SocketAddr) -> bool {
        match self {
            Network::Loopback => to.ip().is_loopback(),
            Network::Namespace(ns) => to.ip().is_loopback() || to.ip() == ns.host,
        }
    }

    /// Where datagrams may go, for messages about the ones that may not.
    pub fn describe(&self) -> String {
        match self {
            Network::Loopback => "loopback".into(),
            Network::Namespace(ns) => format!("loopback and {} in the target's network namespace", ns.host),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_read_private_addresses_with_a_prefix() {
        assert_eq!(NamespacePlan::parse(None).unwrap().host(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        let plan = NamespacePlan::parse(Some("10.77.0.1/24")).unwrap();
        assert_eq!(plan.address, Some((Ipv4Addr::new(10, 77, 0, 1), 24)));
        for bad in ["10.77.0.1", "8.8.8.8/24", "10.0.0.1/33", "10.0.0.1/x", "::1/64"] {
            assert!(NamespacePlan::parse(Some(bad)).is_err(), "{bad}");
        }
    }

    /// A namespace made as a target's is, with a process in it: the harness's socket bound
    /// inside reaches a socket of that process's namespace and none of rtcspec's own.
    #[test]
    fn sockets_bound_in_a_target_namespace_live_there() {
        can_create().unwrap_or_else(|why| panic!("this test makes a network namespace: {why}"));
        let plan = NamespacePlan::parse(Some("10.77.0.1/24")).unwrap();
        // A stand-in for a shim: sleeps inside the namespace until killed.
        let mut child = plan.command(Path::new("sleep"), &["30".to_string()]).spawn().expect("unshare and sleep");
        let ns = (0..50)
            .find_map(|_| {
                std::thread::sleep(std::time::Duration::from_millis(20));
                Namespace::of_process(child.id(), plan.host()).ok()
            })
            .expect("the child's namespace");
        let net = Network::Namespace(Arc::new(ns));
        // The namespace exists before its setup script has given it the address (a shim
        // answers `hello` only after): wait for the address as a shim's caller would.
        let bind = || {
            for _ in 0..100 {
                if let Ok(socket) = net.bind_udp() {
                    return socket;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            net.bind_udp().expect("the namespace's address within 2 s")
        };
        let (a, b) = (bind(), bind());
        let to = b.local_addr().unwrap();
        assert_eq!(to.ip(), plan.host());
        assert!(net.allows(to) && !net.allows("192.0.2.1:9".parse().unwrap()));
        a.send_to(b"inside", to).unwrap();
        b.set_read_timeout(Some(std::time::Duration::from_secs(2))).unwrap();
        let mut buf = [0u8; 16];
        let (n, _) = b.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"inside");
        // rtcspec's own namespace has no such address.
        assert!(UdpSocket::bind(SocketAddr::new(plan.host(), 0)).is_err());
        let _ = child.kill();
        let _ = child.wait();
    }

    #[test]
    fn loopback_allows_loopback_only() {
        let net = Network::Loopback;
        assert!(net.allows("127.0.0.1:9".parse().unwrap()));
        assert!(!net.allows("10.77.0.1:9".parse().unwrap()));
        assert!(!net.allows("192.0.2.2:9".parse().unwrap()));
    }
}
