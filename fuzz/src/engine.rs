//! The mutational fuzzing loop: pick a seed (or an input kept earlier), mutate it, run the target, catch panics,
//! watch for hangs, and count.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::mutate::{Rng, mutate};
use crate::seeds;
use crate::targets::Target;

/// How to run a target.
#[derive(Debug, Clone)]
pub struct Run {
    /// The target.
    pub target: Target,
    /// How many inputs (seeds included).
    pub runs: u64,
    /// The generator's seed: the same seed gives the same inputs.
    pub seed: u64,
    /// The longest one input may take; a longer one is reported as a hang and the process exits.
    pub time_limit: Duration,
    /// Where crashing and hanging inputs are written (`None`: not written).
    pub artifacts: Option<PathBuf>,
}

/// What a run found.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Inputs run.
    pub inputs: u64,
    /// Inputs that panicked.
    pub panics: u64,
    /// The first panicking input and its message, to reproduce.
    pub first_panic: Option<(Vec<u8>, String)>,
    /// The slowest input's time.
    pub slowest: Duration,
    /// The largest input run, in bytes.
    pub largest: usize,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

impl Outcome {
    /// Inputs per second.
    pub fn rate(&self) -> f64 {
        self.inputs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// The largest input the fuzzer builds: big enough to exercise lengths, small enough to keep the rate up (the
/// adapters' own frame limits stop bigger ones before any decoder sees them).
const MAX_INPUT: usize = 256 << 10;

/// How many mutated inputs to keep as further seeds (a crude substitute for coverage: inputs that decode
/// differently from their parent are not told apart here, so a few random ones are kept).
const POOL: usize = 512;

/// Runs `run.target` on the seeds and then on `run.runs` mutated inputs. Panics are caught and counted (the
/// panic hook is silenced meanwhile); a hang ends the process with exit code 70 after printing the input's file.
pub fn run(run: &Run) -> Outcome {
    let seeds = seeds::for_target(run.target);
    let mut pool: Vec<Vec<u8>> = seeds.clone();
    let mut rng = Rng::new(run.seed);
    let mut outcome = Outcome::default();
    let started = Instant::now();

    let current_started = Arc::new(AtomicU64::new(u64::MAX));
    let stop = Arc::new(AtomicBool::new(false));
    let current_input: Arc<std::sync::Mutex<Vec<u8>>> = Arc::default();
    let watchdog = {
        let (current_started, stop, current_input) = (current_started.clone(), stop.clone(), current_input.clone());
        let (limit, artifacts, target) = (run.time_limit, run.artifacts.clone(), run.target);
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
                let since = current_started.load(Ordering::Relaxed);
                if since == u64::MAX {
                    continue;
                }
                let running = Duration::from_nanos(elapsed_nanos(started).saturating_sub(since));
                if running > limit {
                    let input = current_input.lock().map(|i| i.clone()).unwrap_or_default();
                    let file = write_artifact(artifacts.as_ref(), target, "hang", &input);
                    eprintln!("{target}: an input ran for more than {limit:?} (a hang); it is in {file}");
                    std::process::exit(70);
                }
            }
        })
    };

    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for i in 0..run.runs {
        let input = if (i as usize) < seeds.len() {
            seeds[i as usize].clone()
        } else {
            let parent = &pool[rng.below(pool.len())];
            let other = &pool[rng.below(pool.len())];
            let mut input = mutate(parent, other, run.target.is_json(), &mut rng);
            input.truncate(MAX_INPUT);
            input
        };
        if let Ok(mut slot) = current_input.lock() {
            slot.clone_from(&input);
        }
        let t0 = Instant::now();
        current_started.store(elapsed_nanos(started), Ordering::Relaxed);
        let result = catch_unwind(AssertUnwindSafe(|| run.target.run(&input)));
        current_started.store(u64::MAX, Ordering::Relaxed);
        outcome.slowest = outcome.slowest.max(t0.elapsed());
        outcome.largest = outcome.largest.max(input.len());
        outcome.inputs += 1;
        if let Err(panic) = result {
            outcome.panics += 1;
            if outcome.first_panic.is_none() {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                write_artifact(run.artifacts.as_ref(), run.target, "crash", &input);
                outcome.first_panic = Some((input.clone(), message));
            }
        }
        if rng.one_in(64) {
            if pool.len() < POOL {
                pool.push(input);
            } else {
                let slot = seeds.len() + rng.below(POOL - seeds.len().min(POOL - 1));
                if let Some(p) = pool.get_mut(slot.min(POOL - 1)) {
                    *p = input;
                }
            }
        }
    }
    std::panic::set_hook(hook);
    stop.store(true, Ordering::Relaxed);
    let _ = watchdog.join();
    outcome.elapsed = started.elapsed();
    outcome
}

fn elapsed_nanos(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX - 1)
}

/// Writes an input to `<dir>/<target>-<kind>.bin`; returns where (or why not).
fn write_artifact(dir: Option<&PathBuf>, target: Target, kind: &str, input: &[u8]) -> String {
    let Some(dir) = dir else { return "(no artifact folder given)".into() };
    let path = dir.join(format!("{target}-{kind}.bin"));
    match std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, input)) {
        Ok(()) => path.display().to_string(),
        Err(e) => format!("(could not write {}: {e})", path.display()),
    }
}
