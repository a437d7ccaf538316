//! `cargo run -p qqbot-fuzz --release -- fuzz <target|all> [--runs N] [--seed S] [--time-limit-ms MS]`
//! `cargo run -p qqbot-fuzz --release -- repro <target> <file>`
//! `cargo run -p qqbot-fuzz --release -- seeds <target> <dir>`
//!
//! Runs the structure-aware mutational fuzzer on one target or all of them and prints, per target, inputs run,
//! inputs per second, panics, the slowest input and the peak memory of the process. Exits non-zero on a panic.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use qqbot_fuzz::{Run, Target, run};

fn usage() -> ExitCode {
    let names: Vec<&str> = Target::ALL.iter().map(|t| t.name()).collect();
    eprintln!(
        "usage: qqbot-fuzz fuzz <target|all> [--runs N] [--seed S] [--time-limit-ms MS] [--artifacts DIR]\n       \
         qqbot-fuzz repro <target> <file>\n       qqbot-fuzz seeds <target> <dir>   (a starting corpus for libFuzzer)\ntargets: {}",
        names.join(", ")
    );
    ExitCode::from(2)
}

/// The process's peak resident memory (`VmHWM`), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("seeds") => {
            let (Some(target), Some(dir)) = (args.get(1).and_then(|t| Target::parse(t)), args.get(2)) else {
                return usage();
            };
            let seeds = qqbot_fuzz::seeds::for_target(target);
            let written = std::fs::create_dir_all(dir).and_then(|()| {
                seeds
                    .iter()
                    .enumerate()
                    .try_for_each(|(i, s)| std::fs::write(PathBuf::from(dir).join(format!("seed-{i:04}")), s))
            });
            match written {
                Ok(()) => {
                    println!("{target}: {} seeds written to {dir}", seeds.len());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("cannot write the seeds to {dir}: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("repro") => {
            let (Some(target), Some(file)) = (args.get(1).and_then(|t| Target::parse(t)), args.get(2)) else {
                return usage();
            };
            let Ok(input) = std::fs::read(file) else {
                eprintln!("cannot read {file}");
                return ExitCode::from(2);
            };
            target.run(&input);
            println!("{target}: {file} ran without a panic");
            ExitCode::SUCCESS
        }
        Some("fuzz") => {
            let Some(which) = args.get(1) else { return usage() };
            let targets: Vec<Target> = if which == "all" {
                Target::ALL.to_vec()
            } else {
                match Target::parse(which) {
                    Some(t) => vec![t],
                    None => return usage(),
                }
            };
            let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
            let runs = flag("--runs").and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(1_000_000);
            let seed = flag("--seed").and_then(|v| v.parse().ok()).unwrap_or(1);
            let limit = flag("--time-limit-ms").and_then(|v| v.parse().ok()).unwrap_or(2_000);
            let artifacts = Some(flag("--artifacts").map_or_else(|| PathBuf::from("fuzz-artifacts"), PathBuf::from));
            let mut failed = false;
            println!("| target | inputs | inputs/s | panics | slowest input | peak RSS |");
            println!("| --- | ---: | ---: | ---: | ---: | ---: |");
            for target in targets {
                let r =
                    Run { target, runs, seed, time_limit: Duration::from_millis(limit), artifacts: artifacts.clone() };
                let out = run(&r);
                let rss = peak_rss_kib().map_or_else(|| "?".into(), |k| format!("{} MiB", k / 1024));
                println!(
                    "| {target} | {} | {:.0} | {} | {:.2} ms | {rss} |",
                    out.inputs,
                    out.rate(),
                    out.panics,
                    out.slowest.as_secs_f64() * 1e3
                );
                if let Some((input, message)) = &out.first_panic {
                    failed = true;
                    eprintln!(
                        "{target}: panic: {message}\n  input ({} bytes): {:?}",
                        input.len(),
                        String::from_utf8_lossy(input)
                    );
                }
            }
            if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        _ => usage(),
    }
}
