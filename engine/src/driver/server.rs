//! Live STUN/TURN servers on loopback: started by rtcspec itself when the target file says
//! how (`start = [...]`), stopped when the run ends.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::spec::TargetSpec;
use super::udp::{ensure_loopback, UdpResponder};
use super::{Auth, Driver, Session, StunResponder, TargetError, TargetInfo};
use crate::capability::Capability;
use crate::stun::{Builder, Class, Message, METHOD_BINDING};

pub struct ServerDriver {
    spec: TargetSpec,
    addr: SocketAddr,
    child: Option<Child>,
    capabilities: Vec<Capability>,
    version: String,
}

impl Drop for ServerDriver {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl ServerDriver {
    pub fn start(spec: &TargetSpec) -> Result<ServerDriver, TargetError> {
        let addr = spec.addr.ok_or_else(|| TargetError::Environment("server target without addr".into()))?;
        ensure_loopback(addr)?;
        let capabilities = spec.declared_capabilities().map_err(TargetError::Environment)?.unwrap_or_default();
        let hint = spec.install_hint.clone().unwrap_or_else(|| "install the server or fix `start`".into());
        let child = match &spec.start {
            Some(cmd) if !cmd.is_empty() => Some(
                Command::new(spec.resolve_path(&cmd[0]))
                    .args(&cmd[1..])
                    .current_dir(&spec.dir)
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .map_err(|e| {
                        TargetError::Environment(format!(
                            "cannot start {} for target {}: {e}. To install it: {hint}",
                            cmd[0], spec.name
                        ))
                    })?,
            ),
            _ => None,
        };
        let mut driver = ServerDriver {
            spec: spec.clone(),
            addr,
            child,
            capabilities,
            version: spec.version.clone().unwrap_or_default(),
        };
        driver.wait_ready(Duration::from_millis(spec.ready_timeout_ms.unwrap_or(5000)), &hint)?;
        Ok(driver)
    }

    /// Polls with Binding requests (bounded in count and time) until the server answers.
    fn wait_ready(&mut self, limit: Duration, hint: &str) -> Result<(), TargetError> {
        let deadline = Instant::now() + limit;
        let mut probe = UdpResponder::new(self.addr, Auth::Open, None, Duration::from_millis(100))?;
        for attempt in 0u32..200 {
            if let Some(child) = &mut self.child {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(TargetError::Environment(format!(
                        "{} exited ({status}) before answering on {}; is the port free? {hint}",
                        self.spec.name, self.addr
                    )));
                }
            }
            let txid = [attempt as u8; 12];
            let request = Builder::new(Class::Request, METHOD_BINDING, txid).build();
            if let Ok(replies) = probe.exchange(&request) {
                if let Some(reply) = replies.iter().find_map(|r| Message::parse(r).ok()) {
                    self.version = reply.text(crate::stun::SOFTWARE).unwrap_or_else(|| self.version.clone());
                    return Ok(());
                }
            }
            if Instant::now() >= deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(TargetError::Environment(format!(
            "{} did not answer a Binding request on {} within {} ms. {hint}",
            self.spec.name,
            self.addr,
            limit.as_millis()
        )))
    }
}

impl Driver for ServerDriver {
    fn info(&self) -> TargetInfo {
        TargetInfo {
            name: self.spec.name.clone(),
            kind: "server".into(),
            implementation: self.spec.implementation.clone().unwrap_or_else(|| self.spec.name.clone()),
            version: self.version.clone(),
            source: self.spec.source.as_ref().map(|p| p.display().to_string()),
        }
    }

    fn capabilities(&self) -> Vec<Capability> {
        self.capabilities.clone()
    }

    fn open(&mut self, _seed: u64) -> Result<Session, TargetError> {
        let wait = Duration::from_millis(self.spec.reply_wait_ms.unwrap_or(300));
        let responder = UdpResponder::new(self.addr, Auth::Open, self.spec.credentials.clone(), wait)?;
        Ok(Session { responder: Some(Box::new(responder)), ..Session::default() })
    }

    fn recover(&mut self) -> Result<(), TargetError> {
        let alive = self.child.as_mut().is_none_or(|c| matches!(c.try_wait(), Ok(None)));
        if alive {
            return Ok(());
        }
        let fresh = ServerDriver::start(&self.spec)?;
        *self = fresh;
        Ok(())
    }
}
