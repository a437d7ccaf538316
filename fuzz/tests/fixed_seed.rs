//! Every fuzz target, a few thousand inputs with a fixed seed: no panic, no input slower than the limit. A crash
//! found by a long run is added here as a regression input.

use std::time::Duration;

use qqbot_fuzz::{Run, Target, run};

/// Inputs per target in the test suite (the on-demand runs do millions).
const RUNS: u64 = 1_500;

#[test]
fn every_target_survives_a_fixed_seed_run() {
    for target in Target::ALL {
        let out =
            run(&Run { target, runs: RUNS, seed: 20_261_205, time_limit: Duration::from_secs(20), artifacts: None });
        assert_eq!(out.inputs, RUNS, "{target}");
        if let Some((input, message)) = &out.first_panic {
            panic!("{target} panicked on {:?}: {message}", String::from_utf8_lossy(input));
        }
        assert_eq!(out.panics, 0, "{target}");
    }
}

#[test]
fn the_same_seed_runs_the_same_inputs() {
    let once = |seed| {
        run(&Run { target: Target::OnebotCq, runs: 200, seed, time_limit: Duration::from_secs(20), artifacts: None })
            .largest
    };
    assert_eq!(once(5), once(5));
}
