//! A bot with `/echo <text>`, configured by the environment (`QQBOT_ONEBOT_URI` …): the process the memory tests
//! measure from outside. It counts its heap: `/mem` answers `<live bytes> <peak bytes>` and `/mem reset` starts a
//! new peak, so a test reads what the bot's code allocates, apart from what the allocator keeps cached.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use qqbot::prelude::*;

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (every allocation goes through this type).
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged; `ptr` and `layout` come from a previous allocation of this allocator.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Counted as the old block freed and the new one taken: the moment both exist is the copy's peak.
            grew(new_size);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[tokio::main]
async fn main() -> qqbot::Result<()> {
    App::from_env()?
        .command(BotCommand::new("echo").word("/echo").handler(|ctx: Ctx| async move { ctx.args().to_owned() }))
        .command(BotCommand::new("mem").word("/mem").handler(|ctx: Ctx| async move {
            if ctx.args() == "reset" {
                PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
            }
            format!("{} {}", LIVE.load(Ordering::Relaxed), PEAK.load(Ordering::Relaxed))
        }))
        .run()
        .await
}
