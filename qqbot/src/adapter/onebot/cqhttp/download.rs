//! Streaming a URL to a file in the download folder, in `chunk_size` pieces, with progress.

use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;

use super::{DownloadError, HttpApiHooks};

/// Progress is reported at most this often, and on every further 5 %.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(500);

/// What one download needs from the client.
pub(crate) struct Download<'a> {
    pub(crate) client: &'a reqwest::Client,
    pub(crate) hooks: &'a dyn HttpApiHooks,
    pub(crate) folder: &'a Path,
    pub(crate) chunk_size: usize,
}

/// Checks that `name` is one plain file name, so a download can never land outside the download folder.
pub(crate) fn safe_file_name(name: &str) -> Result<&str, DownloadError> {
    let unsafe_name = || DownloadError::UnsafeFileName { name: name.to_owned() };
    // Both separators are refused on every OS: a name from Windows may reach a Linux bot and the reverse.
    if name.is_empty() || name.contains(['/', '\\', '\0', ':']) {
        return Err(unsafe_name());
    }
    let mut components = Path::new(name).components();
    match (components.next(), components.next()) {
        (Some(Component::Normal(_)), None) => Ok(name),
        _ => Err(unsafe_name()),
    }
}

impl Download<'_> {
    /// Downloads `url` to `folder/name`, reporting to the hooks; the file appears only once complete.
    pub(crate) async fn run(&self, name: &str, url: &str) -> Result<PathBuf, DownloadError> {
        let result = self.fetch(name, url).await;
        match &result {
            Ok(_) => {}
            Err(DownloadError::Status { code, .. }) => self.hooks.download_file_error(name, url, *code),
            Err(err) => self.hooks.download_file_run_error(name, url, err),
        }
        result
    }

    async fn fetch(&self, name: &str, url: &str) -> Result<PathBuf, DownloadError> {
        let name = safe_file_name(name)?;
        let transport = |source| DownloadError::Transport { file_name: name.to_owned(), source };
        let mut response = self.client.get(url).send().await.map_err(transport)?;
        let status = response.status();
        if !status.is_success() {
            return Err(DownloadError::Status { file_name: name.to_owned(), code: status.as_u16() });
        }
        tokio::fs::create_dir_all(self.folder)
            .await
            .map_err(|source| DownloadError::Io { path: self.folder.to_path_buf(), source })?;
        let path = self.folder.join(name);
        let partial = self.folder.join(format!("{name}.part"));
        let io = |source| DownloadError::Io { path: partial.clone(), source };

        let written = async {
            let mut file = tokio::fs::File::create(&partial).await.map_err(io)?;
            let total = response.content_length();
            let mut progress = Progress::new(total);
            let mut buffer: Vec<u8> = Vec::with_capacity(self.chunk_size);
            let mut received: u64 = 0;
            // Memory stays at one chunk plus one network read whatever the file's size.
            while let Some(piece) = response.chunk().await.map_err(transport)? {
                received = received.saturating_add(piece.len() as u64);
                buffer.extend_from_slice(&piece);
                if buffer.len() >= self.chunk_size {
                    file.write_all(&buffer).await.map_err(io)?;
                    buffer.clear();
                }
                if progress.due(received) {
                    self.hooks.download_progress(name, received, total);
                }
            }
            file.write_all(&buffer).await.map_err(io)?;
            file.flush().await.map_err(io)?;
            file.sync_all().await.map_err(io)?;
            if let Some(expected) = total.filter(|t| *t != received) {
                return Err(DownloadError::Incomplete { file_name: name.to_owned(), expected, received });
            }
            self.hooks.download_progress(name, received, Some(received));
            Ok(())
        }
        .await;

        match written {
            Ok(()) => {
                tokio::fs::rename(&partial, &path).await.map_err(io)?;
                self.hooks.download_end(name, url, status.as_u16());
                Ok(path)
            }
            Err(err) => {
                // A half-written file would look like a finished one to the bot; drop it.
                let _ = tokio::fs::remove_file(&partial).await;
                Err(err)
            }
        }
    }
}

/// When to report progress: every 5 % or every [`PROGRESS_INTERVAL`], whichever comes first.
struct Progress {
    total: Option<u64>,
    last_at: Instant,
    last_step: u64,
}

impl Progress {
    fn new(total: Option<u64>) -> Self {
        Progress { total, last_at: Instant::now(), last_step: 0 }
    }

    fn due(&mut self, received: u64) -> bool {
        let step = match self.total {
            Some(total) if total > 0 => received.saturating_mul(20) / total,
            _ => 0,
        };
        if step > self.last_step || self.last_at.elapsed() >= PROGRESS_INTERVAL {
            self.last_step = step;
            self.last_at = Instant::now();
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_are_accepted() {
        for bad in ["", ".", "..", "../../x", "a/b", "a\\b", "/etc/passwd", "C:evil", "x\0y"] {
            assert!(safe_file_name(bad).is_err(), "{bad:?} should be refused");
        }
        for good in ["a.png", "周报.pdf", "..hidden", "a..b"] {
            assert_eq!(safe_file_name(good).ok(), Some(good));
        }
    }
}
