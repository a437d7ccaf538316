//! The resource server's files: written under unguessable names, served only while young, swept when old.

use std::collections::HashMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use tokio::io::AsyncWriteExt;
use tokio::time::Instant;

use super::error::MediaError;
use super::sniff::clean_extension;

/// The files one resource server wrote, with when each was written.
///
/// Only names this store handed out (or adopted from its folder at start) are ever served, each only until its
/// time to live runs out, and only if it is still a regular file: a request can never name anything else.
#[derive(Debug)]
pub(crate) struct ResourceStore {
    dir: PathBuf,
    ttl: Duration,
    max_file_size: u64,
    written: Mutex<HashMap<String, Instant>>,
}

impl ResourceStore {
    /// Opens (creating) the folder; leftovers of an earlier run are deleted when expired and served again otherwise.
    pub(crate) async fn open(dir: &Path, ttl: Duration, max_file_size: u64) -> Result<ResourceStore, MediaError> {
        let store_error = |source| MediaError::Store { path: dir.display().to_string(), source };
        tokio::fs::create_dir_all(dir).await.map_err(store_error)?;
        let dir = tokio::fs::canonicalize(dir).await.map_err(store_error)?;
        let store = ResourceStore { dir, ttl, max_file_size, written: Mutex::new(HashMap::new()) };
        store.adopt_leftovers().await;
        Ok(store)
    }

    /// The folder files are written to.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes a file under a fresh random name (`<32 hex digits>.<extension>`) and returns the name.
    pub(crate) async fn put(&self, bytes: &[u8], extension: Option<&str>) -> Result<String, MediaError> {
        if bytes.len() as u64 > self.max_file_size {
            return Err(MediaError::TooLarge { file: "the file to serve".into(), limit: self.max_file_size });
        }
        let extension = extension.and_then(clean_extension);
        let store_error = |source| MediaError::Store { path: self.dir.display().to_string(), source };
        // A collision of 128 random bits does not happen; `create_new` makes sure one would not overwrite anything.
        let name = random_name(extension.as_deref()).map_err(store_error)?;
        let path = self.dir.join(&name);
        let mut file =
            tokio::fs::OpenOptions::new().write(true).create_new(true).open(&path).await.map_err(store_error)?;
        let written = async {
            file.write_all(bytes).await?;
            file.flush().await
        };
        if let Err(source) = written.await {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(store_error(source));
        }
        self.lock().insert(name.clone(), Instant::now());
        Ok(name)
    }

    /// A served file's bytes: `None` unless `name` is one of ours, not expired, and still a regular file.
    pub(crate) async fn get(&self, name: &str) -> Option<Vec<u8>> {
        if !is_valid_name(name) {
            return None;
        }
        let written_at = self.lock().get(name).copied()?;
        if written_at.elapsed() >= self.ttl {
            return None;
        }
        let path = self.dir.join(name);
        // `symlink_metadata` does not follow links: a link planted in the folder is never followed.
        let meta = tokio::fs::symlink_metadata(&path).await.ok()?;
        if !meta.file_type().is_file() {
            return None;
        }
        tokio::fs::read(&path).await.ok()
    }

    /// Deletes the expired files; returns how many.
    pub(crate) async fn sweep(&self) -> usize {
        let expired: Vec<String> = {
            let mut written = self.lock();
            let expired: Vec<String> =
                written.iter().filter(|(_, at)| at.elapsed() >= self.ttl).map(|(name, _)| name.clone()).collect();
            for name in &expired {
                written.remove(name);
            }
            expired
        };
        for name in &expired {
            match tokio::fs::remove_file(self.dir.join(name)).await {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => tracing::warn!(file = %name, error = %e, "cannot delete an expired resource file"),
            }
        }
        expired.len()
    }

    /// How many files are being served.
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        // A panic while holding this lock cannot leave the map half-updated (each use is one map call).
        self.written.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Files named like ours from an earlier run: deleted when expired (by modification time), else served again.
    async fn adopt_leftovers(&self) {
        let mut entries = match tokio::fs::read_dir(&self.dir).await {
            Ok(entries) => entries,
            Err(e) => {
                tracing::warn!(dir = %self.dir.display(), error = %e, "cannot list the resource folder");
                return;
            }
        };
        let (mut adopted, mut deleted) = (0usize, 0usize);
        while let Ok(Some(entry)) = entries.next_entry().await {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
            if !is_valid_name(&name) {
                continue;
            }
            let Ok(meta) = tokio::fs::symlink_metadata(entry.path()).await else { continue };
            if !meta.file_type().is_file() {
                continue;
            }
            let age = meta.modified().ok().and_then(|m| SystemTime::now().duration_since(m).ok()).unwrap_or_default();
            if age >= self.ttl {
                if tokio::fs::remove_file(entry.path()).await.is_ok() {
                    deleted += 1;
                }
            } else if let Some(written_at) = Instant::now().checked_sub(age) {
                self.lock().insert(name, written_at);
                adopted += 1;
            }
        }
        if adopted + deleted > 0 {
            tracing::info!(dir = %self.dir.display(), adopted, deleted, "resource folder had files of an earlier run");
        }
    }
}

/// `<32 lowercase hex digits>` optionally followed by `.<1 to 8 lowercase letters or digits>`.
pub(crate) fn is_valid_name(name: &str) -> bool {
    let (stem, extension) = match name.split_once('.') {
        Some((stem, extension)) => (stem, Some(extension)),
        None => (name, None),
    };
    let hex = stem.len() == 32 && stem.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let extension_ok = extension
        .is_none_or(|e| (1..=8).contains(&e.len()) && e.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    hex && extension_ok
}

/// 128 random bits from the operating system, as hex, plus the extension.
fn random_name(extension: Option<&str>) -> std::io::Result<String> {
    let mut bits = [0u8; 16];
    getrandom::fill(&mut bits).map_err(|e| std::io::Error::other(format!("no randomness for a file name: {e}")))?;
    let mut name: String = bits.iter().map(|b| format!("{b:02x}")).collect();
    if let Some(extension) = extension {
        name.push('.');
        name.push_str(extension);
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_names_are_valid() {
        assert!(is_valid_name("0123456789abcdef0123456789abcdef.png"));
        assert!(is_valid_name("0123456789abcdef0123456789abcdef"));
        for bad in [
            "../0123456789abcdef0123456789abcdef.png",
            "0123456789ABCDEF0123456789abcdef.png",
            "0123456789abcdef0123456789abcde.png",
            "0123456789abcdef0123456789abcdef.",
            "0123456789abcdef0123456789abcdef.p/g",
            "0123456789abcdef0123456789abcdef.png.sh",
            "0123456789abcdef0123456789abcdef.toolongext",
            "/etc/passwd",
            "",
        ] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn names_are_random_and_well_formed() {
        let a = random_name(Some("png")).unwrap();
        let b = random_name(Some("png")).unwrap();
        assert_ne!(a, b);
        assert!(is_valid_name(&a), "{a}");
    }

    #[tokio::test(start_paused = true)]
    async fn files_expire_on_the_clock_and_the_sweep_deletes_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = ResourceStore::open(dir.path(), Duration::from_secs(60), 1024).await.unwrap();
        let name = store.put(b"abc", Some("txt")).await.unwrap();
        assert_eq!(store.get(&name).await.as_deref(), Some(&b"abc"[..]));
        tokio::time::advance(Duration::from_secs(59)).await;
        assert_eq!(store.sweep().await, 0);
        assert!(store.get(&name).await.is_some());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(store.get(&name).await.is_none(), "an expired file is not served even before the sweep");
        assert!(store.dir().join(&name).exists());
        assert_eq!(store.sweep().await, 1);
        assert!(!store.dir().join(&name).exists());
        assert_eq!(store.len(), 0);
    }

    #[tokio::test]
    async fn refuses_files_over_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let store = ResourceStore::open(dir.path(), Duration::from_secs(60), 4).await.unwrap();
        assert!(store.put(b"12345", None).await.is_err());
        assert!(store.put(b"1234", None).await.is_ok());
    }
}
