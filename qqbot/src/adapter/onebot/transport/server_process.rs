//! `start_server_command`: starting (and restarting) the OneBot implementation from the bot, its output logged.

use std::process::Stdio;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Command;
use tokio::sync::oneshot;

use super::super::error::OneBotError;
use crate::error::{Error, Result};

/// Starts and restarts the implementation with the configured command. Cheap to clone; get it from
/// [`OneBotAdapter::server`](crate::adapter::onebot::OneBotAdapter::server) and keep it (for example as app state) to call `restart` from a handler.
#[derive(Debug, Clone, Default)]
pub struct ServerControl {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    command: Option<String>,
    /// Stops the running child, if we started one.
    stop: Mutex<Option<oneshot::Sender<()>>>,
}

impl ServerControl {
    /// A control for `command` (run by the system shell); `None` means restarting is not possible.
    pub fn new(command: Option<String>) -> Self {
        ServerControl {
            inner: Arc::new(Inner { command: command.filter(|c| !c.trim().is_empty()), stop: Mutex::new(None) }),
        }
    }

    /// Whether a command is configured.
    pub fn is_configured(&self) -> bool {
        self.inner.command.is_some()
    }

    /// Stops the implementation this control started (if any) and starts the command again. Its standard
    /// output and error are logged line by line (target `qqbot::onebot::server`).
    pub async fn restart(&self) -> Result<()> {
        let Some(command) = self.inner.command.clone() else {
            return Err(Error::adapter(OneBotError::ServerCommand(
                "no start_server_command is configured under [onebot]".into(),
            )));
        };
        let previous = match self.inner.stop.lock() {
            Ok(mut s) => s.take(),
            Err(p) => p.into_inner().take(),
        };
        if let Some(stop) = previous {
            let _ = stop.send(());
        }
        let mut cmd = if cfg!(windows) {
            let mut c = Command::new("cmd");
            c.arg("/C").arg(&command);
            c
        } else {
            let mut c = Command::new("sh");
            c.arg("-c").arg(&command);
            c
        };
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
        let mut child =
            cmd.spawn().map_err(|e| Error::adapter(OneBotError::ServerCommand(format!("`{command}`: {e}"))))?;
        let pid = child.id().unwrap_or(0);
        tracing::info!(target: "qqbot::onebot::server", "started `{command}` (pid {pid})");
        if let Some(out) = child.stdout.take() {
            tokio::spawn(log_lines(out, pid, false));
        }
        if let Some(err) = child.stderr.take() {
            tokio::spawn(log_lines(err, pid, true));
        }
        let (tx, rx) = oneshot::channel();
        match self.inner.stop.lock() {
            Ok(mut s) => *s = Some(tx),
            Err(p) => *p.into_inner() = Some(tx),
        }
        tokio::spawn(async move {
            tokio::select! {
                status = child.wait() => match status {
                    Ok(s) => tracing::warn!(target: "qqbot::onebot::server", "the implementation (pid {pid}) exited: {s}"),
                    Err(e) => tracing::warn!(target: "qqbot::onebot::server", "cannot wait for pid {pid}: {e}"),
                },
                _ = rx => {
                    let _ = child.kill().await;
                    tracing::info!(target: "qqbot::onebot::server", "stopped the implementation (pid {pid}) to restart it");
                }
            }
        });
        Ok(())
    }
}

async fn log_lines(stream: impl AsyncRead + Unpin, pid: u32, stderr: bool) {
    let mut lines = BufReader::new(stream).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if stderr {
            tracing::warn!(target: "qqbot::onebot::server", pid, "{line}");
        } else {
            tracing::info!(target: "qqbot::onebot::server", pid, "{line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn restart_without_a_command_says_how_to_fix_it() {
        let e = ServerControl::new(None).restart().await.unwrap_err();
        assert!(e.to_string().contains("start_server_command"), "{e}");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn runs_the_command_again_on_restart() {
        let dir = std::env::temp_dir().join(format!("qqbot-server-{}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        let control = ServerControl::new(Some(format!("echo started >> {}; sleep 30", dir.display())));
        let runs = |n: usize| {
            let dir = dir.clone();
            async move {
                let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
                loop {
                    let seen = std::fs::read_to_string(&dir).unwrap_or_default().lines().count();
                    if seen >= n {
                        return seen;
                    }
                    if tokio::time::Instant::now() > deadline {
                        return seen;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            }
        };
        control.restart().await.unwrap();
        assert_eq!(runs(1).await, 1);
        control.restart().await.unwrap();
        assert_eq!(runs(2).await, 2);
        let _ = std::fs::remove_file(&dir);
    }
}
