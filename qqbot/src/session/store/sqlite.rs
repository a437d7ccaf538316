//! Sessions in a SQLite file: the default store. Every change is committed before the operation returns (no
//! periodic save in which a crash loses data), and the file survives restarts.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Change, Modify, SessionStore, StoreFuture};
use crate::session::config::SqliteSync;
use crate::session::error::SessionError;
use crate::session::record::SessionRecord;
use crate::session::scope::{Scope, SessionFilter, SessionId};

const BACKEND: &str = "sqlite";

/// Sessions in one SQLite database file, opened on first use.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    sync: SqliteSync,
    conn: Mutex<Option<Connection>>,
}

fn db_err(e: impl std::fmt::Display) -> SessionError {
    SessionError::backend(BACKEND, e)
}

impl SqliteStore {
    /// A store in the file at `path` (created, with its folder, on first use).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        SqliteStore { path: path.into(), sync: SqliteSync::Normal, conn: Mutex::new(None) }
    }

    /// Sets how commits are flushed.
    pub fn sync(mut self, sync: SqliteSync) -> Self {
        self.sync = sync;
        self
    }

    /// Opens the file now (instead of on first use), so a bad path fails at start-up.
    pub fn open(self) -> Result<Self, SessionError> {
        self.run(|_| Ok(()))?;
        Ok(self)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// An error with the file named and what to do about it.
    fn explain(&self, e: &rusqlite::Error) -> SessionError {
        let path = self.path.display();
        let advice = match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
                "the file is not a usable SQLite database (damaged, or another kind of file): move it away to start \
                 with no saved sessions, or restore it from a backup"
            }
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                "the file is locked by another process (another copy of this bot?): stop it, or give this one its own \
                 [session] path"
            }
            Some(rusqlite::ErrorCode::PermissionDenied | rusqlite::ErrorCode::ReadOnly) => {
                "the file or its folder is not writable by this user: fix the permissions or choose another \
                 [session] path"
            }
            Some(rusqlite::ErrorCode::CannotOpen) => {
                "the file cannot be opened: check that the folder exists and is writable ([session] path)"
            }
            _ => "check the file and its folder ([session] path)",
        };
        SessionError::backend(BACKEND, format!("{path}: {e}; {advice}"))
    }

    fn connect(&self) -> Result<Connection, SessionError> {
        let hint = |e: &dyn std::fmt::Display| {
            SessionError::backend(
                BACKEND,
                format!("cannot open {}: {e}; check that the folder is writable ([session] path)", self.path.display()),
            )
        };
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| hint(&e))?;
        }
        let conn = Connection::open(&self.path).map_err(|e| hint(&e))?;
        let sync = match self.sync {
            SqliteSync::Normal => "NORMAL",
            SqliteSync::Full => "FULL",
        };
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(|e| self.explain(&e))?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| self.explain(&e))?;
        conn.pragma_update(None, "synchronous", sync).map_err(|e| self.explain(&e))?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS qqbot_sessions (
                scope    TEXT NOT NULL,
                identify TEXT NOT NULL,
                key      TEXT NOT NULL,
                record   TEXT NOT NULL,
                deadline INTEGER,
                PRIMARY KEY (scope, identify, key)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS qqbot_sessions_deadline ON qqbot_sessions (deadline)
                WHERE deadline IS NOT NULL;",
        )
        .map_err(|e| self.explain(&e))?;
        Ok(conn)
    }

    fn lock(&self) -> MutexGuard<'_, Option<Connection>> {
        // Every use of the connection is one transaction that either committed or rolled back when a panic
        // unwound through it, so a poisoned lock is safe to keep using.
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` on the connection. With `synchronous = FULL` (fsync per commit) a multi-threaded runtime's worker
    /// is handed over first; otherwise the call takes microseconds and runs inline.
    fn run<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T, SessionError>) -> Result<T, SessionError> {
        let go = || {
            let mut guard = self.lock();
            let conn = match &mut *guard {
                Some(conn) => conn,
                slot => slot.insert(self.connect()?),
            };
            f(conn)
        };
        let multi_thread = tokio::runtime::Handle::try_current()
            .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
        if self.sync == SqliteSync::Full && multi_thread { tokio::task::block_in_place(go) } else { go() }
    }
}

fn read_id(row: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, String)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
}

fn to_id((scope, identify, key): (String, String, String)) -> Option<SessionId> {
    match Scope::parse(&scope) {
        Some(scope) => Some(SessionId::new(scope, identify, key)),
        None => {
            tracing::warn!(scope = %scope, key = %key, "skipping a session row with an unknown scope in the SQLite store");
            None
        }
    }
}

fn select_filtered(
    conn: &Connection,
    sql: &str,
    filter: &SessionFilter,
) -> Result<Vec<(String, String, String, String)>, SessionError> {
    let mut stmt = conn.prepare_cached(sql).map_err(db_err)?;
    let rows = stmt
        .query_map(params![filter.scope.map(Scope::name), filter.identify, filter.key], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .map_err(db_err)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(db_err)
}

const FILTER: &str = "(?1 IS NULL OR scope = ?1) AND (?2 IS NULL OR identify = ?2) AND (?3 IS NULL OR key = ?3)";

impl SessionStore for SqliteStore {
    fn backend(&self) -> &'static str {
        BACKEND
    }

    fn check(&self) -> StoreFuture<'_, ()> {
        // Opening runs the pragmas and creates the table; reading one row proves the file is a database we can read.
        let result = self.run(|conn| {
            conn.query_row("SELECT count(*) FROM (SELECT 1 FROM qqbot_sessions LIMIT 1)", [], |_| Ok(()))
                .map_err(|e| self.explain(&e))
        });
        Box::pin(async move { result })
    }

    fn load<'a>(&'a self, id: &'a SessionId) -> StoreFuture<'a, Option<SessionRecord>> {
        let result = self.run(|conn| {
            let mut stmt = conn
                .prepare_cached("SELECT record FROM qqbot_sessions WHERE scope = ?1 AND identify = ?2 AND key = ?3")
                .map_err(db_err)?;
            let json: Option<String> = stmt
                .query_row(params![id.scope.name(), id.identify, id.key], |r| r.get(0))
                .optional()
                .map_err(db_err)?;
            json.map(|j| SessionRecord::from_json(&j, id)).transpose()
        });
        Box::pin(std::future::ready(result))
    }

    fn modify<'a>(&'a self, id: &'a SessionId, _now_ms: u64, f: Modify<'a>) -> StoreFuture<'a, Option<SessionRecord>> {
        let result = self.run(|conn| {
            // IMMEDIATE takes the write lock before reading, so two processes on one file serialize here.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
            let current = {
                let mut stmt = tx
                    .prepare_cached("SELECT record FROM qqbot_sessions WHERE scope = ?1 AND identify = ?2 AND key = ?3")
                    .map_err(db_err)?;
                let json: Option<String> = stmt
                    .query_row(params![id.scope.name(), id.identify, id.key], |r| r.get(0))
                    .optional()
                    .map_err(db_err)?;
                json.map(|j| SessionRecord::from_json(&j, id)).transpose()?
            };
            let after = match f(current.as_ref()) {
                Change::Keep => return Ok(current),
                Change::Put(mut record) => {
                    record.id = id.clone();
                    let json = record.to_json()?;
                    let deadline = record.deadline_ms().map(|d| i64::try_from(d).unwrap_or(i64::MAX));
                    tx.prepare_cached(
                        "INSERT OR REPLACE INTO qqbot_sessions (scope, identify, key, record, deadline)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )
                    .and_then(|mut s| s.execute(params![id.scope.name(), id.identify, id.key, json, deadline]))
                    .map_err(db_err)?;
                    Some(record)
                }
                Change::Delete => {
                    tx.prepare_cached("DELETE FROM qqbot_sessions WHERE scope = ?1 AND identify = ?2 AND key = ?3")
                        .and_then(|mut s| s.execute(params![id.scope.name(), id.identify, id.key]))
                        .map_err(db_err)?;
                    None
                }
            };
            tx.commit().map_err(db_err)?;
            Ok(after)
        });
        Box::pin(std::future::ready(result))
    }

    fn remove<'a>(&'a self, filter: &'a SessionFilter) -> StoreFuture<'a, u64> {
        let result = self.run(|conn| {
            let sql = format!("DELETE FROM qqbot_sessions WHERE {FILTER}");
            let n = conn
                .prepare_cached(&sql)
                .and_then(|mut s| s.execute(params![filter.scope.map(Scope::name), filter.identify, filter.key]))
                .map_err(db_err)?;
            Ok(n as u64)
        });
        Box::pin(std::future::ready(result))
    }

    fn list<'a>(&'a self, filter: &'a SessionFilter) -> StoreFuture<'a, Vec<SessionRecord>> {
        let result = self.run(|conn| {
            let sql = format!(
                "SELECT scope, identify, key, record FROM qqbot_sessions WHERE {FILTER} ORDER BY scope, identify, key"
            );
            let rows = select_filtered(conn, &sql, filter)?;
            let mut out = Vec::with_capacity(rows.len());
            for (scope, identify, key, json) in rows {
                let Some(id) = to_id((scope, identify, key)) else { continue };
                match SessionRecord::from_json(&json, &id) {
                    Ok(r) => out.push(r),
                    Err(e) => tracing::warn!("skipping an unreadable session: {e}"),
                }
            }
            Ok(out)
        });
        Box::pin(std::future::ready(result))
    }

    fn due<'a>(&'a self, now_ms: u64, limit: usize) -> StoreFuture<'a, Vec<SessionId>> {
        let result = self.run(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT scope, identify, key FROM qqbot_sessions
                     WHERE deadline IS NOT NULL AND deadline <= ?1 ORDER BY deadline LIMIT ?2",
                )
                .map_err(db_err)?;
            let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = stmt.query_map(params![now, limit], read_id).map_err(db_err)?;
            let ids = rows.collect::<Result<Vec<_>, _>>().map_err(db_err)?;
            Ok(ids.into_iter().filter_map(to_id).collect())
        });
        Box::pin(std::future::ready(result))
    }

    fn is_empty_hint(&self) -> bool {
        self.lock().is_none() && !self.path.exists()
    }
}
